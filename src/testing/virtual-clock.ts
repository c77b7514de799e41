/**
 * The kit's clock: time stands still until the test moves it (TestEnvironment.advance), so a
 * one-hour back-off or a day-long callback timeout costs no wall time and every run sees the
 * same instants.
 */
import { Clock } from '../application/ports/clock';

export const DEFAULT_START = '2026-01-01T00:00:00.000Z';

export class VirtualClock implements Clock {
  private current: number;

  constructor(start: Date | string = DEFAULT_START) {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`VirtualClock: invalid start time "${start}"`);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `instant`; time never runs backwards, so an earlier instant is ignored. */
  moveTo(instant: Date): void {
    this.current = Math.max(this.current, instant.getTime());
  }
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A duration as milliseconds or text such as `90s`, `30m`, `1h`, `24h`, `2d`, `1h30m`. */
export type Duration = number | string;

export const toMs = (duration: Duration): number => {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0)
      throw new Error(`Invalid duration ${duration}: expected milliseconds ≥ 0`);
    return duration;
  }
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed.replace(/\s/g, '') !== duration.replace(/\s/g, ''))
    throw new Error(`Invalid duration "${duration}": use for example 500ms, 30s, 15m, 1h, 2d`);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit], 0);
};
