/**
 * Writes finished processes straight into the store (started and aborted in one append, so the
 * runner has nothing to drive): many events fast, each a real process event the feed shows.
 */
import { randomUUID } from 'node:crypto';
import { EventStore, NewEvent, RecordedEvent } from '../../src/application/ports/event-store';

const event = (type: string, data: Record<string, unknown>): NewEvent => ({
  type,
  data,
  metadata: {
    at: new Date().toISOString(),
    actor: 'webhook-test',
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
  },
});

/** `count` events (an even number) in `count / 2` processes; returns them as stored, in order. */
export const appendFinishedProcesses = async (
  store: EventStore,
  count: number,
  workflow = 'create_l2vpn',
): Promise<RecordedEvent[]> => {
  let last = 0;
  for (let i = 0; i < count / 2; i++) {
    const processId = randomUUID();
    const { lastPosition } = await store.append(
      `process-${processId}`,
      [
        event('ProcessStarted', { processId, workflow, workflowVersion: 1, input: {}, state: {} }),
        event('ProcessAborted', { by: 'webhook-test', reason: `event batch ${i}` }),
      ],
      'no_stream',
    );
    last = Math.max(last, lastPosition);
  }
  // Not the head position: readers of the global order stop below the oldest transaction still
  // in flight anywhere in the cluster (another instance's checkpoint write, say), so the head can
  // trail what was just appended. Read on until the last append is readable.
  const head = last;
  const deadline = Date.now() + 30_000;
  const all: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) {
      if (Date.now() > deadline) throw new Error(`position ${head} never became readable`);
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    all.push(...page);
    after = page[page.length - 1].position;
    if (after >= head) break;
  }
  return all.slice(-count);
};
