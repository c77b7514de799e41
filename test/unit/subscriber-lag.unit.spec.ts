/** Projection and runner lag for health answers (issue #6, point 8). */
import { SubscriberLag } from '../../src/application/health/subscriber-lag';
import { ProcessSummaryProjection } from '../../src/application/projections/process-summary.projection';
import { WorkflowRegistry } from '../../src/domain/workflow/registry';
import { NewEvent } from '../../src/application/ports/event-store';
import { RUNNER_CHECKPOINT } from '../../src/application/runner/process-runner';
import { InMemoryCheckpointStore } from '../../src/infrastructure/memory/in-memory-checkpoint-store';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { InMemoryProcessSummaryStore } from '../../src/infrastructure/memory/in-memory-process-summaries';

const event = (at: string): NewEvent => ({
  type: 'StepSkipped',
  data: { index: 0, name: 's' },
  metadata: { at, actor: 'runner', correlationId: 'c', causationId: null, schemaVersion: 1 },
});

describe('SubscriberLag', () => {
  it('reports each follower against the head, with the age of its oldest unapplied event', async () => {
    const store = new InMemoryEventStore();
    await store.append('process-a', [event('2026-01-01T00:00:00.000Z')], 'no_stream');
    await store.append('process-a', [event('2026-01-01T00:00:10.000Z')], 0);
    await store.append('process-a', [event('2026-01-01T00:00:20.000Z')], 1);
    const summaries = new InMemoryProcessSummaryStore();
    await summaries.write([], 1);
    const list = new ProcessSummaryProjection(summaries, new WorkflowRegistry());
    const checkpoints = new InMemoryCheckpointStore();
    await checkpoints.save(RUNNER_CHECKPOINT, 3);
    const clock = { now: () => new Date('2026-01-01T00:00:30.000Z') };
    const lag = new SubscriberLag(store, clock, [list], checkpoints);
    lag.track({ name: 'not-started', position: async () => 0 });

    expect(await lag.measure()).toEqual({
      head: 3,
      projections: [
        // Its next event is the one written at 00:00:10: twenty seconds behind.
        { name: 'process-summaries', checkpoint: 1, head: 3, caughtUp: false, behindMs: 20_000 },
        { name: 'not-started', checkpoint: 0, head: 3, caughtUp: false, behindMs: 30_000 },
      ],
      runner: { name: 'runner', checkpoint: 3, head: 3, caughtUp: true, behindMs: 0 },
    });
  });
});
