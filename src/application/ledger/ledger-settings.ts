/**
 * How the ledger signs and how often. The key comes from the environment or a file (config.ts,
 * infrastructure/ledger-keys.ts) and lives only in memory: never in the database, never logged.
 */
import { KeyObject } from 'node:crypto';

export interface LedgerSettings {
  /** Ed25519 private key; null: the tree is kept but no digest is signed. */
  signingKey: KeyObject | null;
  /** A digest once this many events went in since the last one (0: never by count). */
  digestEveryEvents: number;
  /** A digest once this many seconds passed since the last one, if anything went in. */
  digestEverySeconds: number;
}

export const DEFAULT_DIGEST_EVERY_EVENTS = 1000;
export const DEFAULT_DIGEST_EVERY_SECONDS = 60;

/**
 * `LEDGER_DIGEST_EVERY`: a comma-separated list of a count of events and/or seconds with an
 * `s`, e.g. `1000,60s` (the default), `500`, `10s`. Whichever comes first takes a digest.
 */
export const parseDigestEvery = (
  raw: string | undefined,
): Pick<LedgerSettings, 'digestEveryEvents' | 'digestEverySeconds'> => {
  if (raw === undefined || raw.trim() === '') {
    return {
      digestEveryEvents: DEFAULT_DIGEST_EVERY_EVENTS,
      digestEverySeconds: DEFAULT_DIGEST_EVERY_SECONDS,
    };
  }
  let digestEveryEvents = 0;
  let digestEverySeconds = 0;
  for (const part of raw.split(',').map((p) => p.trim())) {
    const match = /^(\d+)(s?)$/.exec(part);
    if (!match || Number(match[1]) < 1)
      throw new Error(
        `LEDGER_DIGEST_EVERY must be events and/or seconds like "1000,60s", got "${raw}"`,
      );
    if (match[2] === 's') digestEverySeconds = Number(match[1]);
    else digestEveryEvents = Number(match[1]);
  }
  return { digestEveryEvents, digestEverySeconds };
};

export const LEDGER_SETTINGS = Symbol('LedgerSettings');
