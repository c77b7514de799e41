/**
 * `--input` for commands that send a body: inline JSON, `@file` for a JSON file, `@-` for
 * stdin. A malformed value is a usage error (exit 2) before anything reaches the service.
 */
import { readFile } from 'node:fs/promises';
import { usageError } from './exit-codes';

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const sourceText = async (value: string): Promise<{ text: string; from: string }> => {
  if (!value.startsWith('@')) return { text: value, from: '--input' };
  const file = value.slice(1);
  if (file === '-') return { text: await readStdin(), from: 'stdin' };
  try {
    return { text: await readFile(file, 'utf8'), from: file };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw usageError(`cannot read --input file ${file}: ${reason}`);
  }
};

/** The parsed JSON object, or `fallback` when the option was not given. */
export const readInputOption = async (
  value: string | undefined,
  fallback: Record<string, unknown>,
): Promise<Record<string, unknown>> => {
  if (value === undefined) return fallback;
  const { text, from } = await sourceText(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`${from} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw usageError(`${from} must be a JSON object, like '{"vlan": 100}'`);
  return parsed as Record<string, unknown>;
};

export const INPUT_HELP = 'JSON object: inline (\'{"vlan":100}\'), @file.json, or @- for stdin';
