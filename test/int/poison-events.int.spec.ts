/**
 * One event this version cannot read (as a newer version writes during a rolling deploy) must
 * not stop the world: its process is parked with the reason visible in the API, the runner's
 * checkpoints and the process list move on, every other process keeps flowing, and an operator
 * can hand the process back once a version that knows the event runs.
 */
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { startPgTestApp } from '../support/pg-app';
import { TestApp } from '../support/test-app';

jest.setTimeout(120_000);

describe('an unknown event in one stream (PostgreSQL)', () => {
  let t: TestApp;
  let client: ReturnType<typeof api>;

  beforeAll(async () => {
    t = await startPgTestApp();
    client = api(t.url);
  });
  afterAll(() => t?.close());

  it('parks that process, keeps the others flowing, and lets an operator retry it', async () => {
    const { body: poisoned } = await client.start('create_l2vpn', L2VPN_INPUT);
    await client.awaitingCallback(poisoned.id);
    const head = (await client.events(poisoned.id)).body.length - 1;
    await t.adapters.eventStore.append(
      `process-${poisoned.id}`,
      [
        {
          type: 'CircuitRerouted',
          data: { via: 'par-r3' },
          metadata: {
            at: new Date().toISOString(),
            actor: 'v2',
            correlationId: 'x',
            causationId: null,
            schemaVersion: 2,
          },
        },
      ],
      head,
    );

    const parked = await client.waitFor(poisoned.id, (d) => d.parked !== null, 30_000);
    expect(parked.parked.reason).toMatch(/CircuitRerouted/);
    const types = (await client.events(poisoned.id)).body.map((e: { type: string }) => e.type);
    expect(types.filter((type: string) => type === 'ProcessParked')).toHaveLength(1);

    // Every other process still runs to completion, and the list shows them.
    const others: string[] = [];
    for (let i = 0; i < 3; i++)
      others.push((await client.start('create_l2vpn', L2VPN_INPUT)).body.id);
    for (const id of others) {
      await client.awaitingCallback(id);
      await client.callback(await t.remote.callbackUrlOf(id), SUCCESS);
      await client.waitFor(id, (d) => d.status === 'suspended', 30_000);
      expect((await client.resume(id)).status).toBe(204);
      await client.waitFor(id, (d) => d.status === 'completed', 30_000);
    }
    const deadline = Date.now() + 20_000;
    let listed: string[] = [];
    while (Date.now() < deadline) {
      const page = await call('GET', `${t.url}/api/processes?status=completed`);
      listed = page.body.items.map(
        (item: { processId?: string; id?: string }) => item.processId ?? item.id,
      );
      if (others.every((id) => listed.includes(id))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(listed).toEqual(expect.arrayContaining(others));

    // The operator retries: the process is handed back, and parked again while still unreadable.
    expect((await client.retry(poisoned.id)).status).toBe(204);
    await client.waitFor(
      poisoned.id,
      (d) => d.parked !== null && d.revision > parked.revision,
      30_000,
    );
    const after = (await client.events(poisoned.id)).body.map((e: { type: string }) => e.type);
    expect(after).toEqual(expect.arrayContaining(['ProcessUnparked']));
    expect(after.filter((type: string) => type === 'ProcessParked')).toHaveLength(2);
  });
});
