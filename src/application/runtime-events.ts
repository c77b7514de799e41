/**
 * What happens inside the engine that an operator wants counted (takeovers, conflicts, step
 * durations, parked processes, fired timers), as a stream anyone can subscribe to. Metrics and
 * logs hook in here; the engine itself does not know they exist.
 */
import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

export type RuntimeEvent =
  /**
   * This instance now drives these partitions; `ms`: loading their checkpoints. `takeover`:
   * taken after this instance's start-up round, so another instance held them before (it died,
   * stopped, or handed them back to rebalance).
   */
  | { type: 'partitions-acquired'; partitions: number[]; ms: number; takeover: boolean }
  /** Taken away without a hand-back (connection to PostgreSQL lost). */
  | { type: 'partitions-lost'; partitions: number[]; ms: number }
  /** An append lost the race for its expected revision (it is decided again). */
  | { type: 'append-conflict'; processId: string }
  /** A unit of workflow code ran (a step, an action, a validation). */
  | { type: 'step-finished'; workflow: string; step: string; ms: number; ok: boolean }
  | { type: 'process-parked'; processId: string; reason: string }
  | { type: 'timer-fired'; processId: string; lateMs: number };

@Injectable()
export class RuntimeEvents {
  private readonly subject = new Subject<RuntimeEvent>();
  readonly events$ = this.subject.asObservable();

  emit(event: RuntimeEvent): void {
    this.subject.next(event);
  }
}
