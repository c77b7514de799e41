/**
 * Runs workflow code (step functions, conditions, form factories) and turns what it returned or
 * threw into data. Only the step's own failure becomes a failed step: a store outage while the
 * outcome is being recorded must surface to the runner, never be recorded as the step failing.
 */
import { ProcessCommand } from '../../domain/process/commands';
import { ProcessFailureError } from '../../domain/errors';
import { JsonObject, StepError } from '../../domain/process/events';
import { Clock } from '../ports/clock';
import { Metrics, StepKind } from '../ports/metrics';

export type Outcome<T> =
  | { ok: true; value: T; startedAt: string; durationMs: number }
  | { ok: false; error: StepError; durationMs: number };

export const attempt = async <T>(clock: Clock, work: () => T | Promise<T>): Promise<Outcome<T>> => {
  const started = clock.now();
  try {
    const value = await work();
    return {
      ok: true,
      value,
      startedAt: started.toISOString(),
      durationMs: clock.now().getTime() - started.getTime(),
    };
  } catch (thrown) {
    const durationMs = clock.now().getTime() - started.getTime();
    return { ok: false, error: toStepError(thrown), durationMs };
  }
};

/** Step results become event data: they must be plain JSON objects. */
export const asDelta = (value: unknown): JsonObject => {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error('A step must return an object (or nothing)');
  return JSON.parse(JSON.stringify(value)) as JsonObject;
};

export const completeStep = (
  index: number,
  name: string,
  outcome: { value: JsonObject; startedAt: string; durationMs: number },
  stepCount: number,
): ProcessCommand => ({
  type: 'CompleteStep',
  index,
  name,
  delta: outcome.value,
  removedKeys: [],
  startedAt: outcome.startedAt,
  durationMs: outcome.durationMs,
  stepCount,
});

/** Turns whatever a step threw into the error recorded in StepFailed. */
export const toStepError = (error: unknown): StepError => {
  if (error instanceof ProcessFailureError) {
    return { message: error.message, details: error.details ?? null, retryable: error.retryable };
  }
  // Unknown failures (network errors, bugs) may well pass on a second try.
  const message = error instanceof Error ? error.message : String(error);
  return { message, details: null, retryable: true };
};

/** Times a unit of workflow code for the step duration metric. */
export const recordStep = (
  metrics: Metrics,
  workflow: string,
  step: string,
  kind: StepKind,
  outcome: Outcome<unknown>,
): void =>
  metrics.stepFinished({
    workflow,
    step,
    kind,
    outcome: outcome.ok ? 'completed' : 'failed',
    durationMs: outcome.durationMs,
  });
