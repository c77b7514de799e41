import { RetryPolicy } from './dsl';

/**
 * When a failing retryStep runs again, or null once its attempts are used up.
 * `failuresSoFar` counts earlier failures of this step, not the one being decided.
 */
export const nextRetryAt = (
  policy: RetryPolicy | undefined,
  failuresSoFar: number,
  now: Date,
): string | null => {
  if (!policy || failuresSoFar + 1 >= policy.maxAttempts) return null;
  const delay = Math.min(
    policy.initialDelayMs * policy.backoffFactor ** failuresSoFar,
    policy.maxDelayMs,
  );
  return new Date(now.getTime() + delay).toISOString();
};
