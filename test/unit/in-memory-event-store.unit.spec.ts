import { InMemoryCheckpointStore } from '../../src/infrastructure/memory/in-memory-checkpoint-store';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { describeEventStoreContract } from '../support/event-store-contract';

describeEventStoreContract('in memory', async () => ({
  store: new InMemoryEventStore({ onSubscriptionError: () => undefined }),
  teardown: async () => undefined,
}));

describe('InMemoryCheckpointStore', () => {
  it('starts at 0 and keeps the last saved position', async () => {
    const checkpoints = new InMemoryCheckpointStore();
    expect(await checkpoints.load('runner')).toBe(0);
    await checkpoints.save('runner', 42);
    await checkpoints.save('runner', 7);
    expect(await checkpoints.load('runner')).toBe(7);
    expect(await checkpoints.load('other')).toBe(0);
  });
});
