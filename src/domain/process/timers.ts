import { ProcessState, openToken } from './state';

/**
 * The next moment the process needs the runner without any outside trigger, if any. A parked
 * process has none (parking clears its timer); unparking changes this answer back, so the append
 * that unparks writes the timer again (a retry that is due, a callback deadline).
 */
export const nextWakeAt = (s: ProcessState): string | null => {
  if (s.parked) return null;
  if (s.status === 'waiting') return s.retryAt;
  if (s.status === 'awaiting_callback') return openToken(s)?.expiresAt ?? null;
  return null;
};
