/**
 * Issue #16 item 6: a batch a projection cannot apply (a callback-audit row past PostgreSQL's
 * jsonb limit) failed and was redelivered forever, stopping that read model for every process.
 * The runner now finds the process whose events cannot be applied, applies everyone else's,
 * moves the checkpoint on and parks that process, with the reason, for an operator.
 */
import { SoleOwnership } from '../../src/application/ownership/sole-ownership';
import { Projection } from '../../src/application/projections/projection';
import { ProjectionRunner } from '../../src/application/projections/projection-runner';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { StoreUnavailableError } from '../../src/application/ports/store-errors';
import { processStreamId } from '../../src/domain/process/events';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { completed, started } from './process-fixtures';

const POISONED = 'p-poisoned';

/** Stands in for a read model whose write fails for one process's rows, whatever the batch. */
class FragileProjection implements Projection {
  readonly name = 'fragile';
  readonly version = 1;
  applied: RecordedEvent[] = [];
  checkpoint = 0;
  outages = 0;
  async position() {
    return this.checkpoint;
  }
  async apply(events: readonly RecordedEvent[], to: number | null) {
    if (this.outages > 0) {
      this.outages--;
      throw new StoreUnavailableError('database restarting');
    }
    if (events.some((e) => e.streamId === processStreamId(POISONED)))
      throw new Error('total size of jsonb array elements exceeds the maximum of 268435455 bytes');
    this.applied.push(...events);
    if (to !== null) this.checkpoint = to;
  }
  async reset() {}
  shadow(): Promise<Projection> {
    throw new Error('not used');
  }
  async promote() {}
  async discard() {}
}

const append = (store: InMemoryEventStore, id: string) =>
  store.append(
    processStreamId(id),
    [started(), completed(0)].map((e) => ({
      type: e.type,
      data: e.data as Record<string, unknown>,
      metadata: { at: 'T', actor: 'a', correlationId: id, causationId: null, schemaVersion: 1 },
    })),
    'no_stream',
  );

describe('a projection that cannot apply a batch', () => {
  it('parks the process whose events it cannot apply and goes on with the rest', async () => {
    const store = new InMemoryEventStore();
    await append(store, 'p-before');
    await append(store, POISONED);
    await append(store, 'p-after');
    const projection = new FragileProjection();
    projection.outages = 2; // outages are retried as before, never taken for poison
    const parked: Array<{ processId: string; reason: string }> = [];
    const parker = {
      park: async (processId: string, error: Error) => {
        parked.push({ processId, reason: error.message });
      },
    };
    const ownership = new SoleOwnership();
    const runner = new ProjectionRunner(store, [projection], ownership, parker);
    runner.onApplicationBootstrap();
    await ownership.start({
      acquired: async () => undefined,
      releasing: async () => undefined,
      lost: () => undefined,
    });
    try {
      const head = await store.headPosition();
      const deadline = Date.now() + 10_000;
      while (projection.checkpoint < head && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(projection.checkpoint).toBe(head);
      expect(new Set(projection.applied.map((e) => e.streamId))).toEqual(
        new Set([processStreamId('p-before'), processStreamId('p-after')]),
      );
      expect(parked).toEqual([
        {
          processId: POISONED,
          reason: expect.stringMatching(/read model fragile cannot apply.*jsonb/),
        },
      ]);
    } finally {
      await ownership.stop();
    }
  });
});
