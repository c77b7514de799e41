/**
 * The Restate SDK calls Promise.withResolvers, which Node 20 lacks (it arrived in Node 22).
 * Imported before the SDK so the SDK finds it.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const withResolvers = <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const promiseConstructor = Promise as unknown as { withResolvers?: typeof withResolvers };
promiseConstructor.withResolvers ??= withResolvers;
