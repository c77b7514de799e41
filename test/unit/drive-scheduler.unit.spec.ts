/**
 * The runner's scheduling: processes advance concurrently, a process never runs two drives at
 * once, no event is left without a drive that saw it, and the checkpoint never passes work that
 * has not finished.
 */
import { RecordedEvent } from '../../src/application/ports/event-store';
import { DriveScheduler } from '../../src/application/runner/drive-scheduler';

const event = (position: number, processId: string): RecordedEvent => ({
  eventId: `e${position}`,
  streamId: processId === '-' ? 'other-stream' : `process-${processId}`,
  revision: 0,
  position,
  type: 'StepCompleted',
  data: {},
  metadata: { at: 'T', actor: 'test', correlationId: 'c', causationId: null, schemaVersion: 1 },
});

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

const flush = () => new Promise((r) => setTimeout(r, 5));

/** Waits (bounded) until the scheduler's asynchronous work has produced what a test expects. */
const until = async (condition: () => boolean, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await flush();
  }
};

describe('drive scheduler', () => {
  let drives: Array<{ processId: string; cause: string }>;
  let saved: number[];
  let gates: Map<string, ReturnType<typeof deferred>>;
  let scheduler: DriveScheduler;

  beforeEach(() => {
    drives = [];
    saved = [];
    gates = new Map();
    scheduler = new DriveScheduler({
      drive: async (processId, cause) => {
        drives.push({ processId, cause: cause.eventId });
        await gates.get(processId)?.promise;
      },
      saveCheckpoint: async (position) => {
        saved.push(position);
      },
      retryDelayMs: () => 1,
    });
  });
  afterEach(() => {
    gates.forEach((g) => g.resolve());
    return scheduler.close();
  });

  it('lets other processes advance while one is slow, and holds the checkpoint before it', async () => {
    gates.set('A', deferred());
    await scheduler.accept([event(1, 'A'), event(2, 'B')]);
    await scheduler.accept([event(3, 'B')]);
    await until(() => drives.length === 3);
    expect(drives.map((d) => d.processId)).toEqual(['A', 'B', 'B']);
    expect(saved.at(-1) ?? 0).toBe(0); // A's event 1 is unfinished
    gates.get('A')!.resolve();
    await until(() => saved.at(-1) === 3);
  });

  it('runs one drive at a time per process and coalesces events that wait for it', async () => {
    gates.set('A', deferred());
    await scheduler.accept([event(1, 'A')]);
    await until(() => drives.length === 1);
    // These arrive while A's drive runs: they need a drive that starts after them, but one is enough.
    await scheduler.accept([event(2, 'A'), event(3, 'A')]);
    await flush();
    expect(drives).toHaveLength(1);
    gates.get('A')!.resolve();
    await until(() => saved.at(-1) === 3);
    expect(drives.map((d) => d.cause)).toEqual(['e1', 'e2']);
    expect(saved.at(-1)).toBe(3);
  });

  it('retries a failed drive and only then moves the checkpoint', async () => {
    let failures = 1;
    scheduler = new DriveScheduler({
      drive: async (processId, cause) => {
        drives.push({ processId, cause: cause.eventId });
        if (failures-- > 0) throw new Error('store unavailable');
      },
      saveCheckpoint: async (position) => {
        saved.push(position);
      },
      retryDelayMs: () => 1,
    });
    await scheduler.accept([event(1, 'A')]);
    await until(() => saved.length > 0);
    expect(drives).toHaveLength(2);
    expect(saved).toEqual([1]);
  });

  it('moves the checkpoint over events of other streams', async () => {
    await scheduler.accept([event(1, '-'), event(2, '-')]);
    await until(() => saved.length > 0);
    expect(drives).toHaveLength(0);
    expect(saved).toEqual([2]);
  });

  it('stops retrying on close and leaves unfinished work for the next start', async () => {
    scheduler = new DriveScheduler({
      drive: async () => {
        throw new Error('store unavailable');
      },
      saveCheckpoint: async (position) => {
        saved.push(position);
      },
      retryDelayMs: () => 1,
    });
    await scheduler.accept([event(1, 'A')]);
    await flush();
    await scheduler.close();
    expect(saved).toEqual([]);
  });

  it('saves nothing when closed for a lost partition, even for drives that finish meanwhile', async () => {
    // Another instance may own the partition by now: a final save here could move its
    // checkpoint past work it has not done (issue 16: lose() let the final save through).
    gates.set('A', deferred());
    await scheduler.accept([event(1, 'A')]);
    await until(() => drives.length === 1);
    const closing = scheduler.close({ save: false });
    gates.get('A')!.resolve();
    await closing;
    await flush();
    expect(saved).toEqual([]);
  });

  it('saves the checkpoint at most once per interval, and the latest position on close', async () => {
    scheduler = new DriveScheduler({
      drive: async () => undefined,
      saveCheckpoint: async (position) => {
        saved.push(position);
      },
      checkpointEveryMs: 10_000,
    });
    await scheduler.accept([event(1, 'A')]);
    await until(() => saved.length === 1);
    for (let position = 2; position <= 20; position++)
      await scheduler.accept([event(position, String(position))]);
    await flush();
    expect(saved).toEqual([1]); // 19 more drives finished, no save within the interval
    await scheduler.close();
    expect(saved).toEqual([1, 20]);
  });
});

describe('drive scheduler of a partition taken over', () => {
  it('starts after the checkpoint it was handed, and moves it on with events of others', async () => {
    const drives: string[] = [];
    const saved: number[] = [];
    const scheduler = new DriveScheduler({
      after: 10,
      checkpointEveryMs: 0,
      drive: async (_processId, cause) => {
        drives.push(cause.eventId);
      },
      saveCheckpoint: async (position) => {
        saved.push(position);
      },
    });
    // A resubscription redelivers what the partition had already handled: skipped.
    await scheduler.accept([event(9, 'A'), event(10, 'A'), event(12, 'A')]);
    await until(() => drives.length === 1);
    expect(drives).toEqual(['e12']);
    scheduler.skipTo(20); // events up to 20 were for other partitions
    await until(() => saved.includes(20));
    await scheduler.close();
  });

  it('parks a process whose drive keeps failing, and moves the checkpoint past it', async () => {
    const parked: Array<{ processId: string; attempts: number }> = [];
    const saved: number[] = [];
    const scheduler = new DriveScheduler({
      checkpointEveryMs: 0,
      retryDelayMs: () => 1,
      maxFailures: 3,
      isOutage: () => false,
      drive: async (processId) => {
        if (processId === 'bad') throw new Error('unknown workflow version');
      },
      park: async (processId, _error, attempts) => {
        parked.push({ processId, attempts });
      },
      saveCheckpoint: async (position) => {
        saved.push(position);
      },
    });
    await scheduler.accept([event(1, 'bad'), event(2, 'good')]);
    await until(() => saved.includes(2));
    expect(parked).toEqual([{ processId: 'bad', attempts: 3 }]);
    await scheduler.close();
  });
});
