/**
 * A conflict and an outage need different answers (409 vs 503), so they are different types,
 * and neither is folded into a generic "append failed".
 */
export class ConcurrencyError extends Error {
  readonly code = 'CONCURRENCY';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Stream ${streamId}: expected revision ${expected}, found ${actual}`);
    this.name = 'ConcurrencyError';
  }
}

export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    message: string,
    override readonly cause?: unknown,
    /**
     * A write was sent and the connection died before its answer: it may have committed. The
     * caller must not say "nothing was written"; a retry with the same expected revision (or
     * Idempotency-Key) finds out.
     */
    readonly outcomeUnknown = false,
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The writer no longer owns the work it wrote for (its fencing epoch is not current: another
 * instance has taken the partition or role over). Nothing was written. An outage for the
 * writer's purposes: it stops once its ownership notices the loss, and never retries as anyone
 * else.
 */
export class FencedOutError extends StoreUnavailableError {
  constructor(readonly fence: string) {
    super(`${fence} is held by another owner now: nothing written`);
    this.name = 'FencedOutError';
  }
}
