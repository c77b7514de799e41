/**
 * Issue #16 item 3: a process parked while its timer is due lost that timer for good. The sweep
 * fired it, found the process parked (nothing due) and settled it; unparking then wrote no timer,
 * because the process's next wake-up had not changed as far as its status could tell. A waiting
 * process was never retried and an open callback never expired. Unparking must give the process
 * its next wake-up back.
 */
import { shardOf } from '../../src/application/ownership/partitions';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { ProcessEvent, processStreamId } from '../../src/domain/process/events';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { actionDone, completed, issued, started } from './process-fixtures';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const DUE = '2026-01-01T00:05:00.000Z';
const clock = { now: () => NOW };
const ctx = { actor: 'test', correlationId: 'c', causationId: null };

const waitingForRetry = (): ProcessEvent[] => [
  started(),
  {
    type: 'StepFailed',
    data: {
      index: 0,
      name: 'step 0',
      error: { message: 'flaky', details: null, retryable: true },
      retryAt: DUE,
    },
  },
];
const awaitingWithDeadline = (): ProcessEvent[] => [
  started(),
  completed(0),
  issued(1, 't1', DUE),
  actionDone(1),
];

describe.each([
  ['waiting for an automatic retry', 'p-waiting', waitingForRetry],
  ['awaiting a callback with a deadline', 'p-awaiting', awaitingWithDeadline],
])('a process %s, parked when its timer is due', (_name, id, history) => {
  it('gets its timer back when it is unparked', async () => {
    const store = new InMemoryEventStore();
    const stream = processStreamId(id);
    // The history as the write side left it: with its due timer.
    await store.append(
      stream,
      history().map((e) => ({
        type: e.type,
        data: e.data as Record<string, unknown>,
        metadata: {
          at: 'T',
          actor: 'runner',
          correlationId: id,
          causationId: null,
          schemaVersion: 1,
        },
      })),
      'no_stream',
      { timer: { dueAt: DUE, shard: shardOf(id) } },
    );
    const repository = new ProcessRepository(store, clock);
    const due = () => store.due(NOW, [0], 1, 100);
    expect((await due()).map((t) => t.streamId)).toEqual([stream]);

    await repository.execute(id, { type: 'ParkProcess', reason: 'poison', attempts: 5 }, ctx);
    // The sweep fires whatever is still due, finds the process parked and settles the timer.
    for (const timer of await due()) await store.settle(timer);

    await repository.execute(id, { type: 'RetryProcess', by: 'operator' }, ctx);
    expect(await due()).toEqual([expect.objectContaining({ streamId: stream, dueAt: DUE })]);
  });
});
