/**
 * The `baton` CLI (issue #15, point 2) against a real app on embedded PostgreSQL: an operator
 * starts, shows, confirms, retries and aborts processes through it, with the same HTTP API the
 * UI uses; bad input is a usage error before anything is sent; refusals, an unreachable
 * service and a missing key each end with their own exit code; the key is never printed.
 * A real child process checks what a shell sees.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAILURE, L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { CliRun, runBaton, spawnBaton } from '../support/cli';
import { startPgTestApp } from '../support/pg-app';
import { freePort } from '../support/postgres';
import { TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const UNKNOWN_ID = '99999999-2222-4333-8444-555555555555';

describe('baton CLI: processes and operator actions', () => {
  let t: TestApp;
  let client: ReturnType<typeof api>;
  const outputs: CliRun[] = [];

  beforeAll(async () => {
    t = await startPgTestApp();
    client = api(t.url);
  });
  afterAll(() => t?.close());

  /** Runs the CLI in-process as the operator, against the test app; every output is kept. */
  const baton = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runBaton(args, { BATON_URL: t.url, BATON_API_KEY: TEST_KEYS.admin, ...env });
    outputs.push(run);
    return run;
  };

  const startOne = async (): Promise<string> => {
    const started = await baton([
      'processes',
      'start',
      'create_l2vpn',
      '--input',
      JSON.stringify(L2VPN_INPUT),
    ]);
    expect(started).toMatchObject({ code: 0, err: '' });
    const id = started.out.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    return id;
  };

  it('starts a process, shows it waiting, confirms it to completion and lists it', async () => {
    const id = await startOne();
    await client.awaitingCallback(id);
    const waiting = await baton(['processes', 'show', id]);
    expect(waiting.code).toBe(0);
    expect(waiting.out).toContain(`Process ${id}`);
    expect(waiting.out).toContain('Workflow create_l2vpn v1, status awaiting_callback');
    expect(waiting.out).toMatch(
      /Callback: open for "Execute an ansible playbook" \(token id [\w-]+, action returned/,
    );
    expect(waiting.out).toMatch(/ {2}\d+ {2}awaiting_callback +Execute an ansible playbook/);

    await client.callback(await t.remote.callbackUrlOf(id), SUCCESS);
    await client.waitFor(id, (d) => d.status === 'suspended');
    const suspended = await baton(['processes', 'show', id]);
    expect(suspended.out).toContain(
      'Waiting for input: "Execution for L2VPN completed." (assignee SYSTEM)',
    );

    const confirmed = await baton(['confirm', id], { BATON_API_KEY: TEST_KEYS.operator });
    expect(confirmed).toEqual({ code: 0, out: `confirmed ${id}\n`, err: '' });
    await client.waitFor(id, (d) => d.status === 'completed');

    const detail = await baton(['processes', 'show', id, '--json']);
    expect(JSON.parse(detail.out)).toMatchObject({
      id,
      status: 'completed',
      state: { subscription: { status: 'active' } },
    });

    // The list is a read model: it catches up a moment later.
    let listed: { items: Array<{ processId: string; status: string }> } = { items: [] };
    for (
      let i = 0;
      i < 100 && !listed.items.some((p) => p.processId === id && p.status === 'completed');
      i++
    ) {
      listed = JSON.parse(
        (await baton(['processes', 'list', '--workflow', 'create_l2vpn', '--json'])).out,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(listed.items).toContainEqual(
      expect.objectContaining({ processId: id, status: 'completed' }),
    );
    const table = await baton(['processes', 'list', '--status', 'completed', '--limit', '5']);
    expect(table.out.split('\n')[0]).toMatch(/^ID +WORKFLOW +STATUS +STEP +ASSIGNEE +UPDATED$/);
    expect(table.out).toMatch(new RegExp(`${id} +create_l2vpn v1 +completed`));
  });

  it('reads the start input from a file and pages the list with --cursor', async () => {
    const file = path.join(tmpdir(), `baton-cli-input-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ ...L2VPN_INPUT, vlan: 222 }));
    let started: CliRun;
    try {
      started = await baton([
        'processes',
        'start',
        'create_l2vpn',
        '--input',
        `@${file}`,
        '--json',
      ]);
    } finally {
      rmSync(file, { force: true });
    }
    const { id } = JSON.parse(started.out) as { id: string };
    const detail = await client.waitFor(id, (d) => d.status === 'awaiting_callback');
    expect(detail.state.vlan).toBe(222);
    // The list is a read model, a moment behind the process itself (seen on a busy CI run): page
    // it only once it holds the new process next to the earlier ones.
    const deadline = Date.now() + 15_000;
    const listed = async () => {
      const { body } = await call('GET', `${t.url}/api/processes?limit=100`);
      return ((body as { items?: Array<{ processId: string }> }).items ?? []).some(
        (p) => p.processId === id,
      );
    };
    while (!(await listed())) {
      if (Date.now() > deadline) throw new Error(`${id} never appeared in the process list`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const first = await baton(['processes', 'list', '--limit', '1']);
    expect(first.err).toMatch(/^more: --cursor \S+\n$/);
    const cursor = first.err.trim().split(' ').pop()!;
    const second = JSON.parse(
      (await baton(['processes', 'list', '--limit', '1', '--cursor', cursor, '--json'])).out,
    );
    const firstJson = JSON.parse(
      (await baton(['processes', 'list', '--limit', '1', '--json'])).out,
    );
    expect(second.items).toHaveLength(1);
    expect(second.items[0].processId).not.toBe(firstJson.items[0].processId);
  });

  it('retries a failed process: the callback step runs again with a new token', async () => {
    const id = await startOne();
    await client.awaitingCallback(id);
    const firstUrl = await t.remote.callbackUrlOf(id);
    await client.callback(firstUrl, FAILURE);
    await client.waitFor(id, (d) => d.status === 'failed');
    const failed = await baton(['processes', 'show', id]);
    expect(failed.out).toContain('status failed');
    expect(failed.out).toContain('Failed at "Execute an ansible playbook": Callback failure');

    expect(await baton(['retry', id])).toEqual({ code: 0, out: `retrying ${id}\n`, err: '' });
    await client.awaitingCallback(id);
    const secondUrl = await t.remote.callbackUrlOf(id);
    expect(secondUrl).not.toBe(firstUrl);
    await client.callback(secondUrl, SUCCESS);
    await client.waitFor(id, (d) => d.status === 'suspended');

    // Not failed any more: the service refuses, the CLI says why and exits 1.
    const again = await baton(['retry', id]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^baton: PUT \/api\/processes\/[\w-]+\/retry: 409 Conflict: /);
  });

  it('aborts with a reason, and refuses to abort twice', async () => {
    const id = await startOne();
    await client.awaitingCallback(id);
    const aborted = await baton(['abort', id, '--reason', 'customer cancelled']);
    expect(aborted).toEqual({ code: 0, out: `aborted ${id}\n`, err: '' });
    const events = (await client.events(id)).body as Array<{
      type: string;
      data: { reason?: string };
    }>;
    expect(events.find((e) => e.type === 'ProcessAborted')?.data.reason).toBe('customer cancelled');

    const twice = await baton(['abort', id]);
    expect(twice.code).toBe(1);
    expect(twice.err).toContain('409 Conflict');
    const confirm = await baton(['confirm', id, '--input', '{}']);
    expect(confirm.code).toBe(1);
    expect(confirm.err).toContain('409 Conflict');
  });

  it('refuses bad command lines with exit code 2 before sending anything', async () => {
    const starts = async () =>
      (await call('GET', `${t.url}/api/events?type=ProcessStarted&limit=1000`)).body.events.length;
    const before = await starts();
    expect(before).toBeGreaterThan(0);
    const cases: Array<[string[], RegExp]> = [
      [['processes', 'start', 'create_l2vpn', '--input', '{vlan: 1'], /--input is not JSON/],
      [
        ['processes', 'start', 'create_l2vpn', '--input', '[1, 2]'],
        /--input must be a JSON object/,
      ],
      [
        ['processes', 'start', 'create_l2vpn', '--input', '@/nonexistent/input.json'],
        /cannot read --input file \/nonexistent\/input.json: ENOENT/,
      ],
      [['processes', 'show'], /missing required argument 'id'/],
      [['processes', 'list', '--status', 'sleeping'], /Allowed choices are created, running/],
      [['processes', 'list', '--limit', '0'], /expected a positive integer/],
      [['events', 'tail', '--after', '-3'], /expected a non-negative integer|unknown option '-3'/],
      [['retry', UNKNOWN_ID, '--bogus'], /unknown option '--bogus'/],
      [['procesess', 'list'], /unknown command 'procesess'/],
      [
        ['processes', 'show', UNKNOWN_ID, '--url', 'ftp://example.com'],
        /--url must be http:\/\/ or https:\/\//,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await baton(args);
      expect({ args, code: run.code, out: run.out }).toEqual({ args, code: 2, out: '' });
      expect(run.err).toMatch(message);
    }
    // Nothing reached the service: not one process more was started.
    expect(await starts()).toBe(before);
  });

  it("reports the service's validation errors field by field with exit code 1", async () => {
    const run = await baton([
      'processes',
      'start',
      'create_l2vpn',
      '--input',
      JSON.stringify({ ...L2VPN_INPUT, vlan: 'many' }),
    ]);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^baton: POST \/api\/processes\/create_l2vpn: 400 Bad Request: /);
    expect(run.err).toMatch(/\n {2}vlan: /);
    const unknown = await baton(['processes', 'show', UNKNOWN_ID]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('404 Not Found');
  });

  it('exits 4 when the service cannot be reached, and 1 with a hint for a wrong key; never prints the key', async () => {
    const port = await freePort();
    const secret = 'cli-secret-key-that-must-not-show-7Hq1';
    const unreachable = await baton([
      'processes',
      'list',
      '--url',
      `http://127.0.0.1:${port}`,
      '--key',
      secret,
    ]);
    expect(unreachable.code).toBe(4);
    expect(unreachable.err).toBe(
      `baton: cannot reach Baton at http://127.0.0.1:${port}: ECONNREFUSED\n`,
    );

    const wrongKey = await baton(['processes', 'list'], { BATON_API_KEY: secret });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('401 Unauthorized');
    expect(wrongKey.err).toContain('(set --key or BATON_API_KEY)');

    const auditorAction = await baton(['abort', UNKNOWN_ID], { BATON_API_KEY: TEST_KEYS.auditor });
    expect(auditorAction.code).toBe(1);
    expect(auditorAction.err).toContain('403 Forbidden');

    const everything = outputs.map((o) => o.out + o.err).join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const key of [secret, ...Object.values(TEST_KEYS)]) expect(everything).not.toContain(key);
  });

  it('as a real child process: --help, a process shown, input from stdin, and the exit codes a shell sees', async () => {
    const env = { BATON_URL: t.url, BATON_API_KEY: TEST_KEYS.auditor };
    const id = (await client.start('create_l2vpn', L2VPN_INPUT)).body.id as string;
    const port = await freePort();
    const operator = { ...env, BATON_API_KEY: TEST_KEYS.operator };
    const [help, shown, missing, usage, down, piped] = await Promise.all([
      spawnBaton(['processes', 'list', '--help'], env).exited,
      spawnBaton(['processes', 'show', id, '--json'], env).exited,
      spawnBaton(['processes', 'show', UNKNOWN_ID], env).exited,
      spawnBaton(['confirm'], env).exited,
      spawnBaton(['events', 'tail'], { ...env, BATON_URL: `http://127.0.0.1:${port}` }).exited,
      spawnBaton(
        ['processes', 'start', 'create_l2vpn', '--input', '@-'],
        operator,
        JSON.stringify({ ...L2VPN_INPUT, vlan: 333 }),
      ).exited,
    ]);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: baton processes list [options]');
    expect(help.out).toContain('--cursor <cursor>');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out).id).toBe(id);
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toContain('404 Not Found');
    expect(usage).toMatchObject({ code: 2, out: '' });
    expect(usage.err).toContain("missing required argument 'id'");
    expect(down).toMatchObject({ code: 4, out: '' });
    expect(down.err).toContain('cannot reach Baton');
    expect(piped).toMatchObject({ code: 0, err: '' });
    const pipedDetail = await client.waitFor(piped.out.trim(), (d) => d.status !== 'created');
    expect(pipedDetail.state.vlan).toBe(333);
    for (const run of [help, shown, missing, usage, down, piped]) {
      expect(run.out + run.err).not.toContain(TEST_KEYS.auditor);
      expect(run.out + run.err).not.toContain(TEST_KEYS.operator);
    }
  });
});
