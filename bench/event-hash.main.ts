/**
 * `npm run bench:hash`: what the hash chain adds to an append. Hashes the recorded create_l2vpn
 * history (test/fixtures, 13 events) BENCH_HASH_ROUNDS (20,000) times through the compiled
 * `chainEvents`, next to `JSON.stringify` of the same events (which every append already pays
 * to send them), and prints microseconds per event for both.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { repoRoot } from './lib/repo';

interface Hashable {
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

const { chainEvents } = createRequire(__filename)(
  path.join(repoRoot, 'dist/application/history/event-chain'),
) as {
  chainEvents(
    streamId: string,
    firstRevision: number,
    previous: string | null,
    events: Hashable[],
  ): unknown[];
};

const history = (
  JSON.parse(
    readFileSync(
      path.join(repoRoot, 'test/fixtures/create_l2vpn-v1-completed.events.json'),
      'utf8',
    ),
  ) as Hashable[]
).map(({ type, data, metadata }) => ({ type, data, metadata }));

const microsPerEvent = (rounds: number, work: () => void): number => {
  for (let i = 0; i < Math.min(rounds, 1000); i++) work(); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) work();
  return Number(process.hrtime.bigint() - started) / 1000 / rounds / history.length;
};

const rounds = Number(process.env.BENCH_HASH_ROUNDS ?? 20_000);
const hashing = microsPerEvent(rounds, () => chainEvents('process-bench', 0, null, history));
const serialising = microsPerEvent(rounds, () => JSON.stringify(history));
const bytes = JSON.stringify(history).length / history.length;
console.log(
  `hash chain: ${hashing.toFixed(2)} µs/event; JSON.stringify of the same events: ${serialising.toFixed(2)} µs/event (${Math.round(bytes)} bytes/event, ${history.length} events/process, ${rounds} rounds)`,
);
console.log(
  `per process: ${(hashing * history.length).toFixed(0)} µs of hashing (${(hashing / serialising).toFixed(1)}× the serialisation an append already does)`,
);
