/**
 * What the application counts and times, without knowing how it is exported: the Prometheus
 * adapter implements this port, and code built without it (unit tests, tools) gets the no-op.
 * Every call is on a hot path (appends, steps, callbacks), so implementations must only bump
 * in-memory counters; anything that needs I/O is computed when metrics are read instead.
 */

/** How an append to a process stream ended. */
export type AppendOutcome = 'ok' | 'conflict' | 'error';

/** The unit of workflow code that ran: a plain step, a callback step's action or its validation. */
export type StepKind = 'step' | 'callback_action' | 'callback_validation';

export interface StepTiming {
  workflow: string;
  step: string;
  kind: StepKind;
  outcome: 'completed' | 'failed';
  durationMs: number;
}

/**
 * What became of a callback: issued, then received (or a duplicate re-delivery), rejected
 * (with the reason recorded in CallbackRejected, or `unknown_token` for a token no process
 * issued), expired or revoked (with the revocation's reason).
 */
export type CallbackOutcome =
  'issued' | 'received' | 'duplicate' | 'rejected' | 'expired' | 'revoked';

export interface Metrics {
  appendFinished(outcome: AppendOutcome, durationMs: number): void;
  stepFinished(timing: StepTiming): void;
  callback(outcome: CallbackOutcome, reason?: string): void;
  /**
   * This instance took over `count` partitions after its start-up round (another instance held
   * them: it died, stopped or handed them back to rebalance).
   */
  ownershipTakeover(count?: number): void;
}

export const METRICS = Symbol('Metrics');

export const noopMetrics: Metrics = {
  appendFinished: () => undefined,
  stepFinished: () => undefined,
  callback: () => undefined,
  ownershipTakeover: () => undefined,
};
