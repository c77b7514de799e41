/**
 * The shape of the `baton` program: every command, group or leaf, answers --help with its
 * usage and a description and exit code 0; a group without a subcommand is a usage error; each
 * command that talks to the service takes --url and --key.
 */
import { Command } from 'commander';
import { buildProgram } from '../../src/interfaces/cli/program';
import { runCli } from '../../src/interfaces/cli/run-cli';

const commandPaths = (command: Command, prefix: string[] = []): string[][] =>
  command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });

const capture = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
    fetch: () => Promise.reject(new Error('no request expected')),
  });
  return { code, out, err };
};

const CLIENT_COMMANDS = [
  'processes list',
  'processes show',
  'processes start',
  'confirm',
  'retry',
  'abort',
  'events tail',
  'audit show',
  'audit export',
  'audit verify',
  'projections list',
  'projections rebuild',
];

describe('baton program', () => {
  const paths = commandPaths(buildProgram());

  it('has the operator and auditor commands', () => {
    expect(paths.map((p) => p.join(' '))).toEqual(expect.arrayContaining(CLIENT_COMMANDS));
  });

  it.each(paths.map((p) => [p.join(' ')]))(
    'baton %s --help: usage, description, exit 0',
    async (path) => {
      const { code, out, err } = await capture([...path.split(' '), '--help']);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out).toMatch(new RegExp(`^Usage: baton ${path}( |$)`, 'm'));
      // The line after the usage and a blank line is the description.
      expect(out.split('\n')[2].trim().length).toBeGreaterThan(10);
    },
  );

  it('every command that calls the service takes --url and --key', () => {
    const program = buildProgram();
    // Not every leaf: `start` (the service) and `init` (a scaffold) call no service.
    for (const path of CLIENT_COMMANDS) {
      const command = path
        .split(' ')
        .reduce<Command>((c, name) => c.commands.find((s) => s.name() === name)!, program);
      const flags = command.options.map((o) => o.long);
      expect({ path, flags }).toEqual({ path, flags: expect.arrayContaining(['--url', '--key']) });
    }
  });

  it('a group without its subcommand, or no command at all, is a usage error (exit 2)', async () => {
    for (const args of [['processes'], ['audit'], ['events'], ['projections'], []]) {
      const run = await capture(args);
      expect({ args, code: run.code, out: run.out }).toEqual({ args, code: 2, out: '' });
      expect(run.err).toContain('Usage: baton');
    }
  });

  it('masks the key on stderr even where commander echoes a value back', async () => {
    const fromEnv = await capture(['processes', 'list', '--limit', 'env-key-0123456789'], {
      BATON_API_KEY: 'env-key-0123456789',
    });
    const fromFlag = await capture([
      'events',
      'tail',
      '--key=flag-key-98765',
      '--after',
      'flag-key-98765',
    ]);
    for (const [run, key] of [
      [fromEnv, 'env-key-0123456789'],
      [fromFlag, 'flag-key-98765'],
    ] as const) {
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/argument '\*\*\*' is invalid/);
      expect(run.err).not.toContain(key);
    }
  });

  it('Ctrl-C during a request ends it at once with exit code 130', async () => {
    const hanging = ((_url: URL, init: RequestInit) =>
      new Promise((_resolve, reject) =>
        init.signal!.addEventListener('abort', () => reject(init.signal!.reason)),
      )) as unknown as typeof fetch;
    const interrupt = new AbortController();
    let err = '';
    const run = runCli(['processes', 'list'], {
      out: () => undefined,
      err: (text) => (err += text),
      env: {},
      fetch: hanging,
      signal: interrupt.signal,
    });
    setTimeout(() => interrupt.abort(), 20);
    expect(await run).toBe(130);
    expect(err).toBe('baton: interrupted');
  });
});
