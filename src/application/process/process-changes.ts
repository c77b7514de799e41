/**
 * Long polls of a process's detail, and a runner giving a callback its head start, wait here
 * until the process moves past the revision they have seen. The repository says when a process
 * changed: after each append it made, and for every event its subscription reports (what other
 * instances appended). A waiter that hears nothing is released by its timeout or when its
 * client goes away, never held longer.
 */
interface Waiter {
  afterRevision: number;
  release(): void;
}

export class ProcessChanges {
  private readonly waiting = new Map<string, Set<Waiter>>();

  /** The process is at `revision` now: release everyone waiting for a revision past theirs. */
  changed(processId: string, revision: number): void {
    const waiters = this.waiting.get(processId);
    if (waiters === undefined) return;
    for (const waiter of waiters) if (revision > waiter.afterRevision) waiter.release();
  }

  /**
   * Resolves once the process is past `afterRevision`, after `timeoutMs`, or when `signal`
   * aborts, whichever comes first. `alreadyPast` is asked once the waiter is registered, so a
   * change that happened between the caller's read and this call is not missed.
   */
  waitPast(
    processId: string,
    afterRevision: number,
    timeoutMs: number,
    alreadyPast: () => boolean,
    signal?: AbortSignal,
  ): Promise<void> {
    return new Promise<void>((resolve) => {
      let waiters = this.waiting.get(processId);
      if (waiters === undefined) this.waiting.set(processId, (waiters = new Set()));
      const set = waiters;
      const release = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', release);
        set.delete(waiter);
        if (set.size === 0 && this.waiting.get(processId) === set) this.waiting.delete(processId);
        resolve();
      };
      const waiter: Waiter = { afterRevision, release };
      set.add(waiter);
      const timer = setTimeout(release, timeoutMs);
      // A waiting poll must not keep a stopping service alive.
      timer.unref();
      signal?.addEventListener('abort', release, { once: true });
      if (signal?.aborted || alreadyPast()) release();
    });
  }

  /** Processes with someone waiting (for tests and metrics). */
  get waitingProcesses(): number {
    return this.waiting.size;
  }
}
