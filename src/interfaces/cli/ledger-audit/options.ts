/**
 * Options of `audit export` and `audit verify`, parsed without a framework so the same logic
 * runs under the `baton` program (commander) and the direct entry (ledger-audit.main.ts).
 */
export class UsageError extends Error {}

export const EXPORT_USAGE =
  'usage: audit export [--process <id>] [--until <tree size | digest file>] [--out <file>] [--url <base URL>]';
export const VERIFY_USAGE =
  'usage: audit verify --digest <kept digest file> [--key <public key PEM file>] [--json] [--states] (<bundle file> | --url <base URL> [--process <id>])';

export interface ExportOptions {
  process?: string;
  until?: string;
  out?: string;
  url?: string;
}

export interface VerifyOptions {
  digest: string;
  key?: string;
  json: boolean;
  states: boolean;
  bundle?: string;
  url?: string;
  process?: string;
}

const VALUED = new Set(['--process', '--until', '--out', '--url', '--digest', '--key']);
const FLAGS = new Set(['--json', '--states']);

const parse = (argv: readonly string[], allowed: readonly string[]) => {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (!allowed.includes(name)) throw new UsageError(`unknown option ${name}`);
    if (FLAGS.has(name)) flags.add(name);
    else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      values[name] = value;
    }
  }
  return { values, flags, positional };
};

export const parseExportOptions = (argv: readonly string[]): ExportOptions => {
  const { values, positional } = parse(argv, ['--process', '--until', '--out', '--url']);
  if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
  return {
    process: values['--process'],
    until: values['--until'],
    out: values['--out'],
    url: values['--url'],
  };
};

export const parseVerifyOptions = (argv: readonly string[]): VerifyOptions => {
  const { values, flags, positional } = parse(argv, [
    '--digest',
    '--key',
    '--json',
    '--states',
    '--url',
    '--process',
  ]);
  if (!values['--digest']) throw new UsageError('--digest <file> is required: the digest you kept');
  if (positional.length > 1) throw new UsageError(`unexpected argument ${positional[1]}`);
  if ((positional.length === 1) === (values['--url'] !== undefined))
    throw new UsageError('give either a bundle file or --url, not both or neither');
  return {
    digest: values['--digest'],
    key: values['--key'],
    json: flags.has('--json'),
    states: flags.has('--states'),
    bundle: positional[0],
    url: values['--url'],
    process: values['--process'],
  };
};
