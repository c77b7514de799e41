/**
 * The idle release's compaction, measured in a process of its own. What a collection gives back
 * depends on the whole heap: under npm test every test file shares one process, whose heap
 * already holds free pages that a burst fills first (the old space grew by 0.75 MiB for a
 * 1.5M-object burst there), so the experiment cannot run inside the suite.
 *
 * Usage: node -r ts-node/register/transpile-only heap-compaction-child.ts <compacting|plain>
 * Prints {"grownMiB", "keptMiB", "grownAgainMiB", "kept"}: the old space V8 holds after a burst
 * and two plain collections, over what it held before; what of that growth is still held after
 * the collection under test; the growth of a second burst after it (the flag must be off again);
 * and how many objects the two bursts kept alive (all of them, or the figures mean nothing).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { compactingCollection, fullCollection } from '../../src/hosting/idle-heap-release';

const MiB = 2 ** 20;
const oldSpaceHeld = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_size;

const plain = fullCollection()!;
const underTest = process.argv[2] === 'plain' ? plain : compactingCollection()!;

// One object in ten stays alive, spread over all the pages the burst filled: what a catch-up
// leaves behind (a fold here, a cache entry there).
const kept: object[] = [];
const burstThenPlain = (): number => {
  let burst: object[] | null = [];
  for (let i = 0; i < 1_500_000; i++) {
    const o = { i, name: `p${i}`, list: [i] };
    burst.push(o);
    if (i % 10 === 0) kept.push(o);
  }
  burst = null;
  // Twice: a marking V8 started during the loop would keep what it had marked through the first.
  plain();
  plain();
  return oldSpaceHeld();
};

plain();
const before = oldSpaceHeld();
const grown = burstThenPlain() - before;
underTest();
const after = oldSpaceHeld();
const grownAgain = burstThenPlain() - after;
process.stdout.write(
  JSON.stringify({
    grownMiB: grown / MiB,
    keptMiB: (after - before) / MiB,
    grownAgainMiB: grownAgain / MiB,
    kept: kept.length,
  }),
);
