/**
 * An event store that reports what goes through it (every method still runs on the real store,
 * with the real `this`): lets a test attribute appends to the request that caused them, or count
 * the reads a request took.
 */
import { EventStore, NewEvent } from '../../src/application/ports/event-store';

export interface StoreObserver {
  onAppend?(streamId: string, events: NewEvent[]): void;
  onReadStream?(streamId: string): void;
}

export const observedStore = <T extends EventStore>(store: T, observer: StoreObserver): T =>
  new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'append')
        return (streamId: string, events: NewEvent[], ...rest: unknown[]) => {
          observer.onAppend?.(streamId, events);
          return (value as (...a: unknown[]) => unknown).call(target, streamId, events, ...rest);
        };
      if (property === 'readStream')
        return (streamId: string, ...rest: unknown[]) => {
          observer.onReadStream?.(streamId);
          return (value as (...a: unknown[]) => unknown).call(target, streamId, ...rest);
        };
      return value.bind(target);
    },
  });
