/**
 * The durable timer an append carries: it changes with the events that change it, in the same
 * transaction, so a process never waits on a timer its stream no longer asks for. Pure.
 */
import { ProcessState } from '../../domain/process/state';
import { nextWakeAt } from '../../domain/process/timers';
import { shardOf } from '../ownership/partitions';
import { StreamTimer } from '../ports/timer-store';

/** The timer to write with an append from `before` to `after`, or undefined if it stays. */
export const timerChange = (
  processId: string,
  before: ProcessState,
  after: ProcessState,
): StreamTimer | undefined => {
  const dueAt = nextWakeAt(after);
  return dueAt === nextWakeAt(before) ? undefined : { dueAt, shard: shardOf(processId) };
};
