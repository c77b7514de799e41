/**
 * Writes before polls. A busy instance spends most of its time answering status polls (clients
 * poll every few ms), and a callback, a start or a confirmation then waits in the event loop
 * behind them at every step of its way (body read, append, answer). While any write (a request
 * that is not GET, HEAD or OPTIONS) is in flight, a plain poll waits until they are all answered
 * or `maxDelayMs` has passed, whichever comes first. A poll is a read of something that may
 * change at any moment, so a few ms later is as true an answer; the write it waited for is what
 * it would have reported anyway.
 *
 * One timer for all waiting polls: a poll waits at most maxDelayMs, often less.
 */
import { NextFunction, Request, Response } from 'express';

/** `POLL_DEFER_MS` unless configured. */
export const DEFAULT_POLL_DEFER_MS = 10;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class WritePriority {
  private writes = 0;
  private waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly maxDelayMs: number) {}

  /** Counts the writes in flight; first in line, so a write is counted from its first byte. */
  readonly track = (req: Request, res: Response, next: NextFunction): void => {
    if (!READS.has(req.method)) {
      this.writes += 1;
      res.once('close', () => {
        this.writes -= 1;
        if (this.writes === 0) this.release();
      });
    }
    next();
  };

  /** Undefined when the poll may go now; else a promise that resolves when it may. */
  turn(): Promise<void> | undefined {
    if (this.writes === 0 || this.maxDelayMs === 0) return undefined;
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.timer === undefined) {
        this.timer = setTimeout(() => this.release(), this.maxDelayMs);
        this.timer.unref();
      }
    });
  }

  private release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
