/**
 * `audit export` and `audit verify` (issue #17), without commander (commands/ledger-audit.ts
 * wires them into `baton audit`). Export writes a self-contained bundle from a running service
 * (its API) or straight from the database. Verify needs no database and trusts no server: only
 * the bundle, the digest the auditor kept and, optionally, the public key they pinned.
 * Exit codes: 0 proven, 3 tampered (the first bad event named), 2 usage error, 1 other failure.
 */
import { createPublicKey } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Pool } from 'pg';
import { parseBundle } from '../../../application/ledger/audit-bundle';
import { exportBundle } from '../../../application/ledger/bundle-export';
import { verifyBundle } from '../../../application/ledger/bundle-verify';
import { SignedDigest, parseDigest } from '../../../application/ledger/signed-digest';
import { NotFoundError } from '../../../domain/errors';
import { processStreamId } from '../../../domain/process/events';
import { loadConfig } from '../../../config';
import { PgEventStore } from '../../../infrastructure/postgres/pg-event-store';
import { PgLedgerStore } from '../../../infrastructure/postgres/pg-ledger-store';
import { openCliDatabase } from '../cli-database';
import { renderVerdict } from './verdict-text';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const EXIT = { proven: 0, failed: 1, usage: 2, tampered: 3 } as const;

/** The command line is wrong: exit 2. */
export class UsageError extends Error {}

export interface ExportOptions {
  process?: string;
  /** A tree size, or a digest file whose tree size it is. */
  until?: string;
  /** File to write; absent: `io.out`, one line at a time. */
  out?: string;
  /** Read straight from the database (DATABASE_URL, else the embedded one under DATA_DIR). */
  fromDatabase: boolean;
  /** The service, when not from the database. */
  url: string;
  apiKey?: string;
}

export interface VerifyOptions {
  digest: string;
  publicKey?: string;
  json: boolean;
  states: boolean;
  bundle?: string;
  /** Fetch the bundle from this service instead of a file. */
  url?: string;
  apiKey?: string;
  process?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const readJsonFile = async (file: string, what: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${what} ${file} is not JSON`);
  }
};

const readDigestFile = async (file: string): Promise<SignedDigest> => {
  const digest = parseDigest(await readJsonFile(file, 'digest file'));
  if (!digest) throw new UsageError(`${file} is not a ledger digest`);
  return digest;
};

const checkProcess = (id: string | undefined): string | undefined => {
  if (id !== undefined && !UUID.test(id)) throw new UsageError('--process must be a process id');
  return id;
};

/** GET a bundle from a running service, with the API key as the bearer credential. */
const fetchBundle = async (
  base: string,
  query: Record<string, string | undefined>,
  apiKey: string | undefined,
): Promise<string> => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
  const url = `${base.replace(/\/$/, '')}/api/ledger/bundle${params.size > 0 ? `?${params}` : ''}`;
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const answer = await fetch(url, { headers });
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}: ${await answer.text()}`);
  return answer.text();
};

export const runExport = async (
  options: ExportOptions,
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> => {
  const processId = checkProcess(options.process);
  let until: number | undefined;
  if (options.until !== undefined) {
    until = /^\d+$/.test(options.until)
      ? Number(options.until)
      : (await readDigestFile(options.until)).treeSize;
  }
  const file = options.out ? createWriteStream(options.out) : null;
  const write = async (line: string) => {
    if (!file) io.out(line);
    else if (!file.write(`${line}\n`)) await once(file, 'drain');
  };
  try {
    if (!options.fromDatabase) {
      const text = await fetchBundle(
        options.url,
        { process: processId, until: until === undefined ? undefined : String(until) },
        options.apiKey,
      );
      for (const line of text.split('\n')) if (line !== '') await write(line);
      return EXIT.proven;
    }
    const database = await openCliDatabase(loadConfig(env), 'share');
    const pool = new Pool({ connectionString: database.connectionString, max: 2 });
    pool.on('error', () => undefined);
    const store = new PgEventStore(pool);
    try {
      const lines = exportBundle(store, new PgLedgerStore(pool), {
        streamId: processId === undefined ? undefined : processStreamId(processId),
        until,
        now: new Date(),
      });
      for await (const line of lines) await write(JSON.stringify(line));
      return EXIT.proven;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      io.err(error.message);
      return EXIT.usage;
    } finally {
      await store.close();
      await pool.end();
      await database.release();
    }
  } finally {
    if (file) {
      file.end();
      await once(file, 'close');
    }
  }
};

export const runVerify = async (options: VerifyOptions, io: CliIo): Promise<number> => {
  if ((options.bundle === undefined) === (options.url === undefined))
    throw new UsageError('give either a bundle file or --url, not both or neither');
  const kept = await readDigestFile(options.digest);
  let trustedKey: string | undefined;
  if (options.publicKey) {
    try {
      trustedKey = await readFile(options.publicKey, 'utf8');
      if (createPublicKey(trustedKey).asymmetricKeyType !== 'ed25519') throw new Error();
    } catch {
      throw new UsageError(`${options.publicKey} is not an Ed25519 public key (PEM)`);
    }
  }
  let text: string;
  if (options.url) {
    text = await fetchBundle(
      options.url,
      { process: checkProcess(options.process) },
      options.apiKey,
    );
  } else {
    try {
      text = await readFile(options.bundle as string, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read bundle ${options.bundle} (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }
  let bundle;
  try {
    bundle = parseBundle(text);
  } catch (error) {
    throw new UsageError(`not an audit bundle: ${(error as Error).message}`);
  }
  const verdict = verifyBundle({ bundle, kept, trustedKey, keepStates: options.states });
  io.out(options.json ? JSON.stringify(verdict, null, 2) : renderVerdict(verdict, options.states));
  return verdict.proven ? EXIT.proven : EXIT.tampered;
};
