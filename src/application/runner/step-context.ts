import { Inject, Injectable, Optional } from '@nestjs/common';
import { StepDeadlineError } from '../../domain/errors';
import { ProcessState } from '../../domain/process/state';
import { StepContext, StepHttpOptions, WorkflowDefinition } from '../../domain/workflow/dsl';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../ports/clock';
import { HTTP_CLIENT, HttpClient } from '../ports/http-client';
import { DEFAULT_STEP_TIMEOUT_MS, RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { RuntimeEvents } from '../runtime-events';
import { TRACING, Tracing, noTracing } from '../ports/tracing';
import { Outcome, attempt } from './step-outcome';

/**
 * The instance is shutting down and its grace period is over: the step's outcome is not
 * recorded at all, so the next owner of the process runs it again.
 */
export class StepAbandonedError extends Error {
  constructor() {
    super('Step abandoned: this instance is shutting down');
    this.name = 'StepAbandonedError';
  }
}

/**
 * What workflow code gets besides state: time, ids, HTTP and settings, all injected, and a
 * deadline. Every unit of workflow code runs through `run`, which bounds it by STEP_TIMEOUT_MS
 * and by the instance's shutdown.
 */
@Injectable()
export class StepContextFactory {
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(HTTP_CLIENT) private readonly http: HttpClient,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Optional() private readonly events?: RuntimeEvents,
    @Optional() @Inject(TRACING) private readonly tracing: Tracing = noTracing,
  ) {}

  /** The step's own signal, and the W3C traceparent of its span when tracing (runners see it). */
  private traced(signal: AbortSignal, options: StepHttpOptions = {}): StepHttpOptions {
    const traceparent = this.tracing.current();
    if (traceparent === undefined) return { signal, ...options };
    return { signal, ...options, headers: { traceparent, ...options.headers } };
  }

  /** Aborts every step still running (the end of the shutdown grace period). */
  abandonAll(): void {
    this.shutdown.abort(new StepAbandonedError());
  }

  /**
   * Runs workflow code with a context whose signal fires at the deadline; a step that has not
   * settled by then fails (retryable), whether or not it listened to the signal.
   */
  async run<T>(
    definition: WorkflowDefinition,
    state: ProcessState,
    work: (ctx: StepContext) => T | Promise<T>,
    extra: Partial<StepContext> = {},
  ): Promise<Outcome<T>> {
    if (this.shutdown.signal.aborted) throw this.shutdown.signal.reason;
    const timeoutMs = this.config.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new StepDeadlineError(timeoutMs)), timeoutMs);
    const onShutdown = () => deadline.abort(this.shutdown.signal.reason);
    this.shutdown.signal.addEventListener('abort', onShutdown, { once: true });
    const signal = deadline.signal;
    const ctx = this.create(definition, state, {
      ...extra,
      signal,
      http: {
        post: (url, body, options) => this.http.post(url, body, this.traced(signal, options)),
      },
    });
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
    );
    aborted.catch(() => undefined);
    try {
      const started = Date.now();
      const outcome = await attempt(this.clock, () => Promise.race([work(ctx), aborted]));
      if (signal.reason instanceof StepAbandonedError) throw signal.reason;
      this.events?.emit({
        type: 'step-finished',
        workflow: definition.name,
        step: definition.steps[state.index]?.name ?? '',
        ms: Date.now() - started,
        ok: outcome.ok,
      });
      return outcome;
    } finally {
      clearTimeout(timer);
      this.shutdown.signal.removeEventListener('abort', onShutdown);
    }
  }

  create(
    definition: WorkflowDefinition,
    state: ProcessState,
    extra: Partial<StepContext> = {},
  ): StepContext {
    return {
      processId: state.processId,
      workflow: definition.name,
      now: this.clock.now(),
      http: this.http,
      settings: this.config.workflowSettings,
      newId: () => this.ids.uuid(),
      signal: this.shutdown.signal,
      ...extra,
    };
  }
}
