/**
 * Follows the global event order from a durable checkpoint. The checkpoint is saved only after
 * the handler has finished a batch, so after a crash the batch is delivered again: handlers must
 * be idempotent (they re-fold state from the store, so they are).
 */
import { Logger } from '@nestjs/common';
import { processIdOfStream } from '../../domain/process/events';
import { CheckpointStore } from '../ports/checkpoint-store';
import { EventStore, RecordedEvent, Subscription } from '../ports/event-store';

export const startCheckpointedSubscription = async (
  store: EventStore,
  checkpoints: CheckpointStore,
  name: string,
  handler: (events: RecordedEvent[]) => Promise<void>,
): Promise<Subscription> => {
  const logger = new Logger(`Subscription:${name}`);
  const from = await checkpoints.load(name);
  logger.log(`following events after position ${from}`);
  return store.subscribeAll(from, async (events) => {
    await handler(events);
    await checkpoints.save(name, events[events.length - 1].position);
  });
};

/** The last event of each process stream in a batch, in first-seen order. */
export const lastEventPerProcess = (events: RecordedEvent[]): Map<string, RecordedEvent> => {
  const latest = new Map<string, RecordedEvent>();
  for (const e of events) {
    const processId = processIdOfStream(e.streamId);
    if (processId !== null) latest.set(processId, e);
  }
  return latest;
};
