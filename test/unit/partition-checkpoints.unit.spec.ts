/**
 * The runner's partition checkpoints carry the fence of the scheduler that reached them, so the
 * store can refuse a former owner's position; and a scheduler of an earlier holding of the
 * partition never replaces the current holding's waiting position.
 */
import { Fence } from '../../src/application/ownership/write-fence';
import { CheckpointStore } from '../../src/application/ports/checkpoint-store';
import { PartitionCheckpoints } from '../../src/application/runner/partition-checkpoints';

class RecordingStore implements CheckpointStore {
  readonly writes: Array<{ positions: Map<string, number>; fences: Map<string, Fence> }> = [];
  load = async () => 0;
  save = async () => undefined;
  saveMany = async (
    positions: ReadonlyMap<string, number>,
    fences?: ReadonlyMap<string, Fence>,
  ) => {
    this.writes.push({ positions: new Map(positions), fences: new Map(fences ?? []) });
    return { fencedOut: 0 };
  };
}

describe('partition checkpoints', () => {
  it('hands each position to the store with the fence it was reached under', async () => {
    const store = new RecordingStore();
    const checkpoints = new PartitionCheckpoints(store, () => true, 10_000);
    const current: Fence = { name: 'partition:3', epoch: 7 };
    await checkpoints.save(3, 120, current);
    await checkpoints.flush();
    expect(store.writes).toEqual([
      { positions: new Map([['runner:3', 120]]), fences: new Map([['runner:3', current]]) },
    ]);
  });

  it('keeps the current holding’s position when an earlier holding saves late', async () => {
    const store = new RecordingStore();
    const checkpoints = new PartitionCheckpoints(store, () => true, 10_000);
    await checkpoints.save(3, 500, { name: 'partition:3', epoch: 8 });
    await checkpoints.save(3, 900, { name: 'partition:3', epoch: 7 }); // the lost scheduler
    await checkpoints.flush();
    expect(store.writes[0].positions.get('runner:3')).toBe(500);
    expect(store.writes[0].fences.get('runner:3')?.epoch).toBe(8);
  });
});
