/**
 * Stores for ledger tests: processes cloned from the recorded fixtures (fresh ids, hashed in
 * place, one append per event as a running process writes them), and the ledger projection
 * run by hand on the same database.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chainEvents, chainHeadOf } from '../../src/application/history/event-chain';
import { LedgerProjection } from '../../src/application/ledger/ledger-projection';
import { LedgerSettings } from '../../src/application/ledger/ledger-settings';
import { SoleOwnership } from '../../src/application/ownership/sole-ownership';
import { EventStore, NewEvent, RecordedEvent } from '../../src/application/ports/event-store';
import { LedgerStore } from '../../src/application/ports/ledger-store';
import { systemClock } from '../../src/infrastructure/system';

export const FIXTURES = ['create_l2vpn-v1-completed', 'create_l2vpn-v1-failed-retried'];

export const fixtureEvents = (name: string): RecordedEvent[] =>
  JSON.parse(
    readFileSync(path.join(__dirname, '..', 'fixtures', `${name}.events.json`), 'utf8'),
  ) as RecordedEvent[];

/** The fixture's events with every id made fresh, so many copies can share one store. */
export const cloneFixture = (name: string): { processId: string; events: NewEvent[] } => {
  const template = fixtureEvents(name);
  const fresh = new Map<string, string>();
  const text = JSON.stringify(
    template.map(({ type, data, metadata }) => ({ type, data, metadata })),
  ).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, (id) => {
    if (!fresh.has(id)) fresh.set(id, randomUUID());
    return fresh.get(id) as string;
  });
  const processId = fresh.get(template[0].streamId.replace(/^process-/, '')) as string;
  return { processId, events: JSON.parse(text) as NewEvent[] };
};

/** Appends a process's events one at a time, each hashed in place like the repository does. */
export const appendHashed = async (
  store: EventStore,
  processId: string,
  events: readonly NewEvent[],
  perAppend = 1,
): Promise<void> => {
  const stream = `process-${processId}`;
  for (let i = 0; i < events.length; i += perAppend) {
    const sofar = await store.readStream(stream);
    const chained = chainEvents(stream, i, chainHeadOf(sofar), events.slice(i, i + perAppend));
    await store.append(stream, chained, i === 0 ? 'no_stream' : i - 1);
  }
};

export interface RunningLedger {
  projection: LedgerProjection;
  stop(): Promise<void>;
}

export const startLedger = async (
  store: EventStore,
  ledger: LedgerStore,
  settings: LedgerSettings,
): Promise<RunningLedger> => {
  const ownership = new SoleOwnership();
  const projection = new LedgerProjection(store, ledger, ownership, systemClock, settings);
  projection.onApplicationBootstrap();
  await ownership.start({
    acquired: async () => undefined,
    releasing: async () => undefined,
    lost: () => undefined,
  });
  return { projection, stop: () => ownership.stop() };
};

/** Until the ledger holds `size` events and has signed a digest of exactly that tree. */
export const ledgerReaches = async (ledger: LedgerStore, size: number, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const digest = await ledger.latestDigest();
    if (digest && digest.treeSize === size) return digest;
    if (Date.now() > deadline)
      throw new Error(
        `ledger stuck at ${JSON.stringify((await ledger.state()).treeSize)} of ${size}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
