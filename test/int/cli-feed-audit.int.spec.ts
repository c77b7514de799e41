/**
 * The `baton` CLI's reading commands (issue #15, point 2) against a real app on embedded
 * PostgreSQL: `events tail` from a position, page by page and live, where a connection that
 * drops mid-message is resumed with Last-Event-ID and every event is printed exactly once;
 * `audit show` with the API's report and exit code 3 for an edited history; `projections
 * rebuild` of a running service with its figures.
 */
import { Pool } from 'pg';
import { processStreamId } from '../../src/domain/process/events';
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { runBaton, spawnBaton } from '../support/cli';
import { startDroppingProxy } from '../support/dropping-proxy';
import { startPgTestApp } from '../support/pg-app';
import { TestApp } from '../support/test-app';

jest.setTimeout(180_000);

interface FeedEvent {
  position: number;
  processId: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { actor: string };
}

describe('baton CLI: events tail, audit show, projections rebuild', () => {
  let t: TestApp & { pg: { db: { pool: Pool } } };
  let client: ReturnType<typeof api>;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startPgTestApp({
      adapters: {
        runtime: {
          publicUrl: 'http://placeholder',
          workflowSettings: { ANSIBLE_PROXY_URL: 'http://lso.test' },
          timerPollMs: 50,
          feedHeartbeatMs: 200,
        },
      },
    });
    client = api(t.url);
    for (let i = 0; i < 2; i++) {
      const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
      await client.awaitingCallback(body.id);
      ids.push(body.id);
    }
  });
  afterAll(() => t?.close());

  const baton = (args: string[], key: string = TEST_KEYS.admin, url = t.url) =>
    runBaton(args, { BATON_URL: url, BATON_API_KEY: key }, AbortSignal.timeout(60_000));

  const feed = async (): Promise<FeedEvent[]> =>
    (await call('GET', `${t.url}/api/events?limit=1000`)).body.events;

  it('prints every event after a position once, as lines or NDJSON, and says where to resume', async () => {
    const all = await feed();
    expect(all.length).toBeGreaterThanOrEqual(8);
    const from = all[2].position;
    const expected = all.slice(3);

    const json = await baton(['events', 'tail', '--after', String(from), '--json']);
    expect(json.code).toBe(0);
    const printed = json.out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as FeedEvent);
    expect(printed).toEqual(expected);
    expect(json.err).toBe(`resume with --after ${expected[expected.length - 1].position}\n`);

    const text = await baton(['events', 'tail', '--after', String(from)], TEST_KEYS.auditor);
    const lines = text.out.trimEnd().split('\n');
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => {
      const e = expected[i];
      expect(line).toMatch(
        new RegExp(
          `^${e.position} {2}\\S+Z {2}${e.processId} {2}#${e.revision} {2}${e.type} {2}by ${e.metadata.actor}$`,
        ),
      );
    });

    const filtered = await baton([
      'events',
      'tail',
      '--process',
      ids[1],
      '--type',
      'ProcessStarted',
      'CallbackIssued',
      '--json',
    ]);
    const types = filtered.out
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as FeedEvent).type);
    expect(types).toEqual(['ProcessStarted', 'CallbackIssued']);

    const two = await baton(['events', 'tail', '--count', '2', '--json']);
    expect(
      two.out
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as FeedEvent).position),
    ).toEqual(all.slice(0, 2).map((e) => e.position));
  });

  it('--follow: a connection dropped mid-message is resumed with Last-Event-ID, every event exactly once', async () => {
    const backlog = await feed();
    const from = backlog[0].position;
    const expectedBacklog = backlog.slice(1);
    const proxy = await startDroppingProxy(t.url, 2);
    try {
      const tail = baton(
        [
          'events',
          'tail',
          '--follow',
          '--after',
          String(from),
          '--json',
          '--count',
          String(expectedBacklog.length + 1),
        ],
        TEST_KEYS.auditor,
        proxy.url,
      );
      // Once the CLI has reconnected, a new process commits its first event live.
      for (let i = 0; i < 400 && proxy.requests.length < 2; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(proxy.drops).toBe(1);
      const started = (await client.start('create_l2vpn', L2VPN_INPUT)).body.id as string;
      ids.push(started);
      const run = await tail;

      expect(run.code).toBe(0);
      const printed = run.out
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as FeedEvent);
      const live = (await feed()).find((e) => e.processId === started && e.revision === 0)!;
      expect(printed.map((e) => e.position)).toEqual([
        ...expectedBacklog.map((e) => e.position),
        live.position,
      ]);
      expect(printed[printed.length - 1]).toMatchObject({
        type: 'ProcessStarted',
        processId: started,
      });
      // The second request resumed after the last whole message the first one delivered.
      expect(proxy.requests[0]).not.toMatch(/last-event-id/i);
      expect(proxy.requests[1]).toMatch(
        new RegExp(`\r\nlast-event-id: ${expectedBacklog[1].position}(\r\n|$)`, 'i'),
      );
      expect(run.err).toMatch(
        new RegExp(
          `^connection lost \\(.+\\); reconnecting after position ${expectedBacklog[1].position} in 250 ms\n$`,
        ),
      );
      await client.awaitingCallback(started);
    } finally {
      await proxy.close();
    }
  });

  it('audit show: the report of the API; an edited history is BROKEN with exit code 3', async () => {
    const id = ids[0];
    await client.callback(await t.remote.callbackUrlOf(id), SUCCESS);
    await client.waitFor(id, (d) => d.status === 'suspended');
    await call('PUT', `${t.url}/api/processes/${id}/resume`, {}, {}, { key: TEST_KEYS.operator });
    await client.waitFor(id, (d) => d.status === 'completed');

    const fromApi = await call('GET', `${t.url}/api/processes/${id}/audit`);
    const json = await baton(['audit', 'show', id, '--json'], TEST_KEYS.auditor);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(fromApi.body);
    const text = await baton(['audit', 'show', id], TEST_KEYS.auditor);
    expect(text).toMatchObject({ code: 0, err: '' });
    expect(text.out).toContain(`Process ${id}`);
    expect(text.out).toContain('Workflow create_l2vpn v1, status completed');
    expect(text.out).toMatch(/Chain: INTACT: all \d+ events hashed; head hash [0-9a-f]{64}/);
    expect(text.out).toMatch(
      /test-operator +step \d+ "Confirm provisioning proxy results" confirmed by test-operator/,
    );

    const stream = processStreamId(id);
    const { rows } = await t.pg.db.pool.query<{ revision: number; metadata: object }>(
      `SELECT revision, metadata FROM events WHERE stream_id = $1 AND type = 'ConfirmationGiven'`,
      [stream],
    );
    const [confirmation] = rows;
    await t.pg.db.pool.query(
      `UPDATE events SET metadata = jsonb_set(metadata, '{actor}', '"mallory"') WHERE stream_id = $1 AND revision = $2`,
      [stream, confirmation.revision],
    );
    try {
      const broken = await baton(['audit', 'show', id], TEST_KEYS.auditor);
      expect(broken.code).toBe(3);
      expect(broken.out).toContain(
        `Chain: BROKEN at revision ${confirmation.revision}: revision ${confirmation.revision}: hash mismatch`,
      );
      expect(broken.err).toBe(
        `baton: the history of process ${id} is BROKEN at revision ${confirmation.revision}\n`,
      );
    } finally {
      await t.pg.db.pool.query(
        `UPDATE events SET metadata = $3 WHERE stream_id = $1 AND revision = $2`,
        [stream, confirmation.revision, JSON.stringify(confirmation.metadata)],
      );
    }
    expect((await baton(['audit', 'show', id], TEST_KEYS.auditor)).code).toBe(0);
    const unknown = await baton(['audit', 'show', '99999999-2222-4333-8444-555555555555']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('404 Not Found');
  });

  it('projections rebuild: one or all, with figures; unknown names and non-admins are refused', async () => {
    const listed = await baton(['projections', 'list', '--json']);
    const names = (JSON.parse(listed.out) as Array<{ name: string }>).map((p) => p.name).sort();
    expect(names).toEqual(['callback-audit', 'process-summaries', 'step-log']);
    const head = (await feed()).length;

    const one = await baton(['projections', 'rebuild', 'step-log']);
    expect(one.code).toBe(0);
    const figures =
      /^rebuilt step-log: (\d+) events in [\d.]+ s \(\d+ events\/s\), swapped in at position \d+\n$/.exec(
        one.out,
      );
    expect(figures).not.toBeNull();
    expect(Number(figures![1])).toBeGreaterThanOrEqual(head);

    const all = await baton(['projections', 'rebuild', '--json']);
    expect(all.code).toBe(0);
    const statuses = JSON.parse(all.out) as Array<{
      projection: string;
      state: string;
      events: number;
    }>;
    expect(statuses.map((s) => s.projection).sort()).toEqual(names);
    expect(statuses.every((s) => s.state === 'completed' && s.events >= head)).toBe(true);
    // The rebuilt list still serves every process.
    const page = JSON.parse((await baton(['processes', 'list', '--json'])).out);
    expect(page.items.map((p: { processId: string }) => p.processId).sort()).toEqual(
      [...ids].sort(),
    );

    const unknown = await baton(['projections', 'rebuild', 'no-such-projection']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('404 Not Found');
    const auditor = await baton(['projections', 'rebuild', 'step-log'], TEST_KEYS.auditor);
    expect(auditor.code).toBe(1);
    expect(auditor.err).toContain('403 Forbidden');
  });

  it('as a child process, events tail --follow stops cleanly on Ctrl-C (SIGINT) with exit code 0', async () => {
    const child = spawnBaton(['events', 'tail', '--follow', '--after', '0'], {
      BATON_URL: t.url,
      BATON_API_KEY: TEST_KEYS.auditor,
    });
    const first = (await feed())[0];
    for (let i = 0; i < 2400 && !child.output().out.includes(`${first.position}  `); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(child.output().out.split('\n')[0]).toMatch(
      new RegExp(`^${first.position} {2}\\S+Z {2}${first.processId}`),
    );
    child.kill('SIGINT');
    const run = await child.exited;
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
  });
});
