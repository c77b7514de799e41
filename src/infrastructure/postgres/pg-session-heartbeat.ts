/**
 * Proves that a dedicated session (the one holding advisory locks) is alive. A session can die
 * without a word: behind a network black hole, or after a failover, the socket sees nothing for
 * as long as the kernel keeps retransmitting (about a quarter of an hour), while the server has
 * long dropped the session and every lock it held. So when the session has been idle for
 * `everyMs` a trivial query is sent, and if any query on it (that one or the owner's own) has
 * waited longer than `timeoutMs` for its answer, the session is declared dead. Only time spent
 * waiting for the server counts: the owner's own work between queries is not the session's.
 */
export interface HeartbeatOptions {
  everyMs: number;
  timeoutMs: number;
  /** A trivial round trip on the session, or undefined when there is none. */
  ping(): (() => Promise<unknown>) | undefined;
  /** The session did not answer in time. */
  silent(error: Error): void;
}

export class SessionHeartbeat {
  private busySince: number | undefined;
  private lastPing = Date.now();
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: HeartbeatOptions) {}

  /** Wraps each query on the session (one at a time), so a stuck one is noticed. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.busySince = Date.now();
    try {
      return await work();
    } finally {
      this.busySince = undefined;
      this.lastPing = Date.now(); // an answer is as good as a ping
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
    ping().catch((error: Error) => this.options.silent(error));
  }
}
