import { CallbackStep } from './dsl';

/**
 * When an open callback token expires: the earlier of the step's hard timeout (counted from
 * issue) and its heartbeat (counted from the last sign of life: the issue or a progress report).
 * Null when the step sets neither.
 */
export const callbackExpiry = (
  step: CallbackStep,
  issuedAt: Date,
  lastSignOfLife: Date,
): string | null => {
  const candidates = [
    step.timeoutMs === undefined ? undefined : issuedAt.getTime() + step.timeoutMs,
    step.heartbeatTimeoutMs === undefined
      ? undefined
      : lastSignOfLife.getTime() + step.heartbeatTimeoutMs,
  ].filter((t): t is number => t !== undefined);
  return candidates.length === 0 ? null : new Date(Math.min(...candidates)).toISOString();
};
