/**
 * Counts refused callback attempts per process and per client address in fixed windows. Past
 * the limit, an address is answered 429 before anything is looked up; a process is answered 429
 * for anything but a delivery on its open token, so a flood of guesses at one process neither
 * grows its history nor locks its real runner out. In memory and per instance: it bounds what
 * one instance spends and records, which is what it is for.
 */
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, Clock } from '../ports/clock';
import {
  DEFAULT_CALLBACK_REFUSAL_LIMITS,
  RUNTIME_CONFIG,
  RuntimeConfig,
} from '../ports/runtime-config';

/** Keys remembered at most (oldest windows go first), so guesses cannot grow memory. */
const MAX_KEYS = 10_000;

class WindowCounter {
  private readonly counts = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  exceeded(key: string, now: number): boolean {
    const entry = this.counts.get(key);
    return (
      entry !== undefined && now - entry.windowStart < this.windowMs && entry.count >= this.limit
    );
  }

  add(key: string, now: number): void {
    const entry = this.counts.get(key);
    if (entry === undefined || now - entry.windowStart >= this.windowMs) {
      this.counts.delete(key);
      this.counts.set(key, { windowStart: now, count: 1 });
      if (this.counts.size > MAX_KEYS)
        this.counts.delete(this.counts.keys().next().value as string);
      return;
    }
    entry.count++;
  }
}

@Injectable()
export class CallbackRefusalLimiter {
  private readonly byProcess: WindowCounter;
  private readonly byAddress: WindowCounter;

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) runtime: RuntimeConfig,
  ) {
    const limits = runtime.callbackRefusalLimits ?? DEFAULT_CALLBACK_REFUSAL_LIMITS;
    this.byProcess = new WindowCounter(limits.perProcess, limits.windowMs);
    this.byAddress = new WindowCounter(limits.perAddress, limits.windowMs);
  }

  addressLimited(address: string): boolean {
    return this.byAddress.exceeded(address, this.now());
  }

  processLimited(processId: string): boolean {
    return this.byProcess.exceeded(processId, this.now());
  }

  recordRefusal(processId: string, address: string): void {
    const now = this.now();
    this.byProcess.add(processId, now);
    this.byAddress.add(address, now);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
