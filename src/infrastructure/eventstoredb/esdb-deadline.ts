/**
 * A bound on every call that expects an answer. The client's own deadline does not cover all
 * of a call: before its first append it asks the server which features it has, without any
 * deadline, so a server that accepts the connection and never answers (a half-dead node, a
 * black-holing firewall) would hold the caller forever. Past this bound the call is an outage
 * (StoreUnavailableError, 503); an append cut off this way is in doubt, like any lost answer.
 */
const noAnswer = (ms: number, doing: string): Error =>
  // `deadline-exceeded` is the client's own type for the same thing (esdb-errors.ts).
  Object.assign(new Error(`no answer within ${ms} ms while ${doing}`), {
    type: 'deadline-exceeded',
  });

export async function withinDeadline<T>(
  work: Promise<T>,
  ms: number,
  doing: string,
  onTimeout: () => void = () => undefined,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(noAnswer(ms, doing));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined); // settles later, unobserved, after a timeout
  }
}

/** Reads a whole server stream within the bound, cancelling it when the bound passes. */
export function drainWithin<T>(
  source: AsyncIterable<T>,
  ms: number,
  doing: string,
  take: (item: T) => boolean | void,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  const drain = async (): Promise<void> => {
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) return;
      if (take(value) === false) {
        await iterator.return?.();
        return;
      }
    }
  };
  return withinDeadline(drain(), ms, doing, () => void iterator.return?.()?.catch(() => undefined));
}
