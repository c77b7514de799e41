/**
 * Crash safety with a real process: Baton runs as a child on its embedded PostgreSQL and is
 * killed with SIGKILL twice mid-workflow — once while a callback action is in flight, once
 * while waiting for the operator. After each restart the process goes on, and at the end the
 * history holds everything accepted before each kill, nothing twice.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { FakeLso, startFakeLso } from '../support/fake-lso';
import { freePort } from '../support/postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

jest.setTimeout(240_000);

interface StoredEvent {
  eventId: string;
  revision: number;
  type: string;
  data: { index?: number; tokenId?: string };
}

describe('SIGKILL mid-workflow (embedded PostgreSQL, real child process)', () => {
  let lso: FakeLso;
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    lso = await startFakeLso();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-crash-'));
    const port = String(await freePort());
    env = {
      PORT: port,
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      ANSIBLE_PROXY_URL: lso.url,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TIMER_POLL_MS: '200',
    };
  });

  afterAll(async () => {
    await service?.kill('SIGTERM'); // a graceful stop also stops its PostgreSQL
    await lso?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const events = async (id: string): Promise<StoredEvent[]> =>
    (await call('GET', `${service!.url}/api/processes/${id}/events`)).body;

  const expectPrefix = (before: StoredEvent[], after: StoredEvent[]) =>
    expect(after.slice(0, before.length).map((e) => e.eventId)).toEqual(
      before.map((e) => e.eventId),
    );

  it('resumes after each kill and completes with no lost and no duplicated events', async () => {
    service = await startServiceProcess(env);
    let client = api(service.url);

    // Kill 1: while the action that posts to the runner is in flight.
    lso.hang = true;
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const id: string = body.id;
    await lso.waitForRequests(1);
    const beforeFirstKill = await events(id);
    expect(beforeFirstKill.map((e) => e.type)).toEqual([
      'ProcessStarted',
      'StepCompleted',
      'StepCompleted',
      'CallbackIssued',
    ]);
    await service.kill('SIGKILL');

    lso.hang = false;
    service = await startServiceProcess(env);
    client = api(service.url);
    // The runner cannot know whether the first request reached the runner, so it revokes that
    // token and sends the playbook again with a fresh one.
    await lso.waitForRequests(2);
    const [first, second] = lso.requests;
    await client.awaitingCallback(id);
    expect((await client.callback(first.callback, SUCCESS)).status).toBe(410);
    expect((await client.callback(second.callback, SUCCESS)).body).toEqual({ status: 'accepted' });
    await client.waitFor(id, (d) => d.status === 'suspended');
    const beforeSecondKill = await events(id);
    expectPrefix(beforeFirstKill, beforeSecondKill);

    // Kill 2: while waiting for the operator's confirmation.
    await service.kill('SIGKILL');
    service = await startServiceProcess(env);
    client = api(service.url);
    expect((await client.detail(id)).body.status).toBe('suspended');
    expect((await client.resume(id, {})).status).toBe(204);
    const done = await client.waitFor(id, (d) => d.status === 'completed');
    expect(done.state.subscription.status).toBe('active');

    const history = await events(id);
    expectPrefix(beforeSecondKill, history);
    expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i));
    expect(new Set(history.map((e) => e.eventId)).size).toBe(history.length);
    const count = (type: string) => history.filter((e) => e.type === type).length;
    expect(count('ProcessStarted')).toBe(1);
    expect(count('CallbackIssued')).toBe(2);
    expect(count('CallbackRevoked')).toBe(1);
    expect(count('CallbackReceived')).toBe(1);
    expect(count('ProcessCompleted')).toBe(1);
    // Each step completed exactly once, in order.
    const completedSteps = history
      .filter((e) => e.type === 'StepCompleted')
      .map((e) => e.data.index);
    expect(completedSteps).toEqual([0, 1, 2, 3, 4]);
    // Nothing more happens after completion, even after the runner replays.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await events(id)).toHaveLength(history.length);
  });
});
