/**
 * Writes before polls: a plain poll waits while a write is in flight, until the writes are all
 * answered or the bound passes, and never when none is (or when the bound is 0).
 */
import { EventEmitter } from 'node:events';
import { NextFunction, Request, Response } from 'express';
import { WritePriority } from '../../src/interfaces/rest/write-priority';

const request = (priority: WritePriority, method: string): EventEmitter => {
  const res = new EventEmitter();
  const next = jest.fn() as NextFunction;
  priority.track({ method } as Request, res as unknown as Response, next);
  expect(next).toHaveBeenCalledTimes(1);
  return res;
};

const settled = async (promise: Promise<void> | undefined): Promise<boolean> => {
  let done = false;
  void promise?.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('WritePriority', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets a poll go at once when no write is in flight (reads do not count)', () => {
    const priority = new WritePriority(10);
    request(priority, 'GET');
    request(priority, 'HEAD');
    request(priority, 'OPTIONS');
    expect(priority.turn()).toBeUndefined();
  });

  it('holds a poll until every write in flight is answered', async () => {
    const priority = new WritePriority(1000);
    const callback = request(priority, 'POST');
    const confirm = request(priority, 'PUT');
    const poll = priority.turn();
    expect(poll).toBeDefined();
    callback.emit('close');
    expect(await settled(poll)).toBe(false);
    confirm.emit('close');
    expect(await settled(poll)).toBe(true);
    expect(priority.turn()).toBeUndefined();
  });

  it('holds a poll no longer than its bound, however long the writes take', async () => {
    const priority = new WritePriority(10);
    request(priority, 'POST');
    const first = priority.turn();
    jest.advanceTimersByTime(5);
    const second = priority.turn();
    expect(await settled(first)).toBe(false);
    jest.advanceTimersByTime(5);
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    // The write is still in flight: the next poll waits again, at most the bound.
    const third = priority.turn();
    jest.advanceTimersByTime(10);
    expect(await settled(third)).toBe(true);
  });

  it('never holds a poll with a bound of 0 (POLL_DEFER_MS=0)', () => {
    const priority = new WritePriority(0);
    request(priority, 'POST');
    expect(priority.turn()).toBeUndefined();
  });
});
