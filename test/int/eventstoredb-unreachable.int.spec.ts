/**
 * The real @eventstore/db-client with no EventStoreDB behind it — the one thing about the
 * EventStoreDB wiring that can be checked on a machine without a server: a refused connection
 * and a silent one are outages (503 material), never conflicts, the subscription keeps trying
 * with growing pauses, and a service pointed at nothing refuses to start, saying why.
 */
import net from 'node:net';
import { loadConfig } from '../../src/config';
import { StoreUnavailableError } from '../../src/application/ports/store-errors';
import { connectEventStoreDb } from '../../src/infrastructure/eventstoredb/connect';
import { startServer } from '../../src/server';
import { newEvent } from '../support/event-store-fixtures';
import { buildWorkflowRegistry } from '../support/l2vpn-registry';
import { freePort, startTestPostgres, TestPostgres } from '../support/postgres';

const refused = async () => `esdb://127.0.0.1:${await freePort()}?tls=false`;

describe('EventStoreDB adapter on the real client, nothing listening', () => {
  it('turns every call into StoreUnavailableError when the connection is refused', async () => {
    const { store, close } = connectEventStoreDb(await refused());
    const calls = [
      store.append('process-1', [newEvent()], 'no_stream'),
      store.readStream('process-1'),
      store.readAll({ after: 0, limit: 10 }),
      store.headPosition(),
    ];
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(StoreUnavailableError);
    await close();
  });

  it('turns a server that never answers into StoreUnavailableError once the deadline passes', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket)); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    // The client's deadline does not cover its feature probe, which waits forever here; the
    // adapter's own bound does.
    const { store, close } = connectEventStoreDb(
      `esdb://127.0.0.1:${port}?tls=false&defaultDeadline=500`,
      { answerWithinMs: 1_000 },
    );
    try {
      const started = Date.now();
      const error = await store.append('process-1', [newEvent()], 'no_stream').catch((e) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toMatch(/no answer within 1000 ms while appending to process-1/);
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(store.readStream('process-1')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps resubscribing with growing pauses, reporting each outage, until closed', async () => {
    const failures: Array<{ at: number; error: unknown }> = [];
    const { store, close } = connectEventStoreDb(await refused(), {
      onSubscriptionError: (error) => failures.push({ at: Date.now(), error }),
      maxBackoffMs: 400,
    });
    const subscription = store.subscribeAll(0, async () => undefined);
    const deadline = Date.now() + 20_000;
    while (failures.length < 5 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const closing = Date.now();
    await close();
    expect(Date.now() - closing).toBeLessThan(2_000); // close() does not wait out a back-off
    expect(failures.length).toBeGreaterThanOrEqual(5);
    for (const { error } of failures) expect(error).toBeInstanceOf(StoreUnavailableError);
    const gaps = failures.slice(1).map((f, i) => f.at - failures[i].at);
    // 100, 200, 400, 400 ms by design; a loaded machine only stretches them.
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[2]).toBeGreaterThanOrEqual(380);
    void subscription;
  });
});

describe('start-up with EVENTSTORE_CONNECTION_STRING', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(() => postgres?.cleanup());

  it('selects EventStoreDB and refuses to start, saying why, when it cannot be reached', async () => {
    const database = await postgres.createTestDatabase({ migrate: false });
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: database.connectionString,
      EVENTSTORE_CONNECTION_STRING: `esdb://baton:s3cret@127.0.0.1:${port}?tls=false`,
      RUNNER_SIMULATOR: 'off',
      PORT: String(await freePort()),
      LOG_LEVEL: 'error',
    });
    const failure = await startServer(config, buildWorkflowRegistry()).catch(
      (error: Error) => error,
    );
    await database.drop();
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^EventStoreDB \(EVENTSTORE_CONNECTION_STRING\) unreachable: EventStoreDB unavailable/,
    );
    expect((failure as Error).message).not.toContain('s3cret');
  });
});
