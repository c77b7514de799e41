/**
 * Proves that a dedicated session (the one holding advisory locks) is alive. A session can die
 * without a word: behind a network black hole, or after a failover, the socket sees nothing for
 * as long as the kernel keeps retransmitting (about a quarter of an hour), while the server has
 * long dropped the session and every lock it held. So every `everyMs` a trivial query is queued
 * behind the session's own work, and if the session is busy (that query or any other) for
 * longer than `timeoutMs`, it is declared dead.
 *
 * The query goes through the owner's queue rather than straight to the client: a pg Client
 * runs one query at a time anyway, and the owner's work must not interleave with it.
 */
export interface HeartbeatOptions {
  everyMs: number;
  timeoutMs: number;
  /** Runs `work` on the session after whatever is queued before it. */
  enqueue(work: () => Promise<void>): void;
  /** A trivial round trip on the session, or undefined when there is none. */
  ping(): (() => Promise<unknown>) | undefined;
  /** The session did not answer in time. */
  silent(error: Error): void;
}

export class SessionHeartbeat {
  private busySince: number | undefined;
  private lastPing = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: HeartbeatOptions) {}

  /** Wraps each piece of work the session does, so a stuck one is noticed. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.busySince = Date.now();
    try {
      return await work();
    } finally {
      this.busySince = undefined;
    }
  }

  start(): void {
    // Checked four times per period, so a silence is noticed at most a quarter period late.
    this.timer = setInterval(() => this.check(), Math.max(10, this.options.everyMs / 4));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    if (this.busySince !== undefined) {
      if (now - this.busySince > this.options.timeoutMs) {
        this.busySince = undefined; // once per silence
        this.options.silent(new Error(`no answer within ${this.options.timeoutMs} ms`));
      }
      return;
    }
    if (now - this.lastPing < this.options.everyMs) return;
    const ping = this.options.ping();
    if (ping === undefined) return;
    this.lastPing = now;
    this.options.enqueue(async () => {
      await ping();
    });
  }
}
