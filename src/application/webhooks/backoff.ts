/**
 * Exponential back-off with full jitter: a random wait between half and all of
 * base·2^(attempt-1), capped. Jitter keeps many subscriptions failing at once (a receiver
 * restarting) from retrying in lock step.
 */
export const retryDelayMs = (
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
};
