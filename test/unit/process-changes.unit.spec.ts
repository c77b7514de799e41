import { ProcessChanges } from '../../src/application/process/process-changes';

describe('ProcessChanges (long-poll waiters)', () => {
  const settled = async (promise: Promise<void>): Promise<boolean> => {
    let done = false;
    void promise.then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it('releases waiters once their process moves past their revision, and only those', async () => {
    const changes = new ProcessChanges();
    const behind = changes.waitPast('p1', 3, 60_000, () => false);
    const ahead = changes.waitPast('p1', 5, 60_000, () => false);
    const other = changes.waitPast('p2', 3, 60_000, () => false);
    changes.changed('p1', 3);
    expect(await settled(behind)).toBe(false);
    changes.changed('p1', 4);
    expect(await settled(behind)).toBe(true);
    expect(await settled(ahead)).toBe(false);
    expect(await settled(other)).toBe(false);
    changes.changed('p1', 6);
    changes.changed('p2', 4);
    expect(await settled(ahead)).toBe(true);
    expect(await settled(other)).toBe(true);
    expect(changes.waitingProcesses).toBe(0);
  });

  it('releases at once when the change happened before the waiter was registered', async () => {
    const changes = new ProcessChanges();
    expect(await settled(changes.waitPast('p1', 3, 60_000, () => true))).toBe(true);
    expect(changes.waitingProcesses).toBe(0);
  });

  it('releases on timeout and on abort, leaving nobody waiting', async () => {
    jest.useFakeTimers();
    try {
      const changes = new ProcessChanges();
      const timed = changes.waitPast('p1', 3, 1000, () => false);
      const gone = new AbortController();
      const aborted = changes.waitPast('p2', 3, 60_000, () => false, gone.signal);
      expect(changes.waitingProcesses).toBe(2);
      jest.advanceTimersByTime(1000);
      await expect(timed).resolves.toBeUndefined();
      gone.abort();
      await expect(aborted).resolves.toBeUndefined();
      expect(changes.waitingProcesses).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
