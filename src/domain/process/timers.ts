import { ProcessState, openToken } from './state';

/** The next moment the process needs the runner without any outside trigger, if any. */
export const nextWakeAt = (s: ProcessState): string | null => {
  if (s.status === 'waiting') return s.retryAt;
  if (s.status === 'awaiting_callback') return openToken(s)?.expiresAt ?? null;
  return null;
};
