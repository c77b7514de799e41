/**
 * Wakes idle subscribers when something may have been appended.
 *
 * It counts notifications instead of being a bare event: a subscriber records the count before
 * it reads, and waiting returns at once if the count moved meanwhile. Without that, an append
 * landing between "the read found nothing" and "start waiting" would be slept through.
 */
export class ChangeSignal {
  private version = 0;
  private readonly waiters = new Set<() => void>();

  get current(): number {
    return this.version;
  }

  notify(): void {
    this.version += 1;
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves once the count differs from `seen`, after `timeoutMs` (if given: the fallback
   * poll for notifications that can be lost), or when `abort` fires. Never rejects.
   */
  wait(seen: number, timeoutMs: number | undefined, abort: AbortSignal): Promise<void> {
    if (this.version !== seen || abort.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => wake(), timeoutMs);
      const wake = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        this.waiters.delete(wake);
        abort.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      abort.addEventListener('abort', wake, { once: true });
    });
  }
}

/** A delay that ends early when `abort` fires, so close() never waits out a back-off. */
export function sleep(ms: number, abort: AbortSignal): Promise<void> {
  if (abort.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      abort.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    abort.addEventListener('abort', done, { once: true });
  });
}
