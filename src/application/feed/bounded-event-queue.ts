import { RecordedEvent } from '../ports/event-store';

/**
 * What one live follower has not consumed yet, as an async iterator. Bounded: a consumer that
 * falls this far behind is ended with an error (it can subscribe again) instead of growing the
 * service's memory without limit.
 */
export class BoundedEventQueue implements AsyncIterableIterator<RecordedEvent> {
  private readonly queued: RecordedEvent[] = [];
  private waiting: ((result: IteratorResult<RecordedEvent>) => void) | null = null;
  private failWaiting: ((error: unknown) => void) | null = null;
  private failure: unknown = null;
  private ended = false;

  constructor(
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  push(event: RecordedEvent): void {
    if (this.ended || this.failure) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = null;
      resolve({ value: event, done: false });
      return;
    }
    if (this.queued.length >= this.capacity) {
      this.fail(
        new Error(`subscriber fell ${this.capacity} changes behind; subscribe again to go on`),
      );
      return;
    }
    this.queued.push(event);
  }

  /** Ends the iteration with this error; what was still queued is dropped. */
  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    this.queued.length = 0;
    if (this.failWaiting) {
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = null;
      reject(error);
    }
    this.onEnd();
  }

  next(): Promise<IteratorResult<RecordedEvent>> {
    const event = this.queued.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  /** The consumer is gone (client unsubscribed or disconnected). */
  return(): Promise<IteratorResult<RecordedEvent>> {
    if (!this.ended) {
      this.ended = true;
      this.queued.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = this.failWaiting = null;
      this.onEnd();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RecordedEvent> {
    return this;
  }
}
