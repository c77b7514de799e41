/**
 * The operator UI's timing rules, as plain functions: how often a busy feed may make a page
 * refetch, and when an access token is renewed (or the operator sent to sign in again).
 */
import { renewalDelay } from '../../ui/src/lib/session-timing';
import { afterQuiet, throttle } from '../../ui/src/lib/throttle';

describe('throttle (list refetches on a busy feed)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('runs at once after a quiet spell, then at most once per interval, ending with the last change', () => {
    const runs: number[] = [];
    const trigger = throttle(() => runs.push(Date.now()), 2000);
    trigger(); // first event: at once
    expect(runs).toEqual([1_000_000]);
    for (let i = 0; i < 100; i++) {
      jest.advanceTimersByTime(30); // a hundred events over 3 s
      trigger();
    }
    jest.advanceTimersByTime(5000);
    expect(runs).toEqual([1_000_000, 1_002_000, 1_004_000]);
  });

  it('folds every call within an interval into one trailing run', () => {
    let runs = 0;
    const trigger = throttle(() => runs++, 2000);
    trigger();
    trigger();
    trigger();
    expect(runs).toBe(1);
    jest.advanceTimersByTime(1999);
    expect(runs).toBe(1);
    jest.advanceTimersByTime(1);
    expect(runs).toBe(2);
  });

  it('runs nothing after cancel (the page was left)', () => {
    let runs = 0;
    const trigger = throttle(() => runs++, 2000);
    trigger();
    trigger();
    trigger.cancel();
    jest.advanceTimersByTime(10_000);
    expect(runs).toBe(1);
  });
});

describe('afterQuiet (a last refetch once the feed is quiet)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('runs once, the given time after the last call', () => {
    const runs: number[] = [];
    const settle = afterQuiet(() => runs.push(Date.now()), 750);
    settle();
    jest.advanceTimersByTime(500);
    settle(); // another event: the run moves later
    jest.advanceTimersByTime(749);
    expect(runs).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(runs).toEqual([1_001_250]);
    jest.advanceTimersByTime(5000);
    expect(runs).toHaveLength(1);
  });

  it('runs nothing after cancel (the page was left)', () => {
    let runs = 0;
    const settle = afterQuiet(() => runs++, 750);
    settle();
    settle.cancel();
    jest.advanceTimersByTime(5000);
    expect(runs).toBe(0);
  });
});

describe('renewalDelay (when a sign-in is renewed or asked for again)', () => {
  it('acts a fifth of the lifetime before expiry', () => {
    expect(renewalDelay({ issuedAt: 0, expiresAt: 10_000 }, 0)).toBe(8000);
    expect(renewalDelay({ issuedAt: 0, expiresAt: 10_000 }, 5000)).toBe(3000);
  });

  it('acts at most a minute early for long-lived tokens', () => {
    expect(renewalDelay({ issuedAt: 0, expiresAt: 3_600_000 }, 0)).toBe(3_540_000);
  });

  it('acts at once when the time has already come or passed', () => {
    expect(renewalDelay({ issuedAt: 0, expiresAt: 10_000 }, 9000)).toBe(0);
    expect(renewalDelay({ issuedAt: 0, expiresAt: 10_000 }, 60_000)).toBe(0);
  });
});
