/**
 * Moves one process forward by one unit of work: runs the next step (or its callback action,
 * validation or form) and records the outcome through the decider. The appended event comes
 * back through the runner's subscription and triggers the next unit, so a crash between any
 * two units is recovered by replaying the subscription from its checkpoint.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../domain/errors';
import { JsonObject } from '../../domain/process/events';
import { ProcessState, openToken } from '../../domain/process/state';
import {
  ActionStep,
  CallbackStep,
  InputStep,
  StepContext,
  WorkflowDefinition,
} from '../../domain/workflow/dsl';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { nextRetryAt } from '../../domain/workflow/retry';
import { callbackRoute, newCallbackToken, redactToken } from '../callbacks/tokens';
import { formToJsonSchema } from '../forms/forms';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../ports/clock';
import { HTTP_CLIENT, HttpClient } from '../ports/http-client';
import { RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { CommandContext, ProcessRepository } from '../process/process-repository';
import { KeyedMutex } from './keyed-mutex';
import { asDelta, attempt, completeStep } from './step-outcome';

@Injectable()
export class ProcessDriver {
  private readonly logger = new Logger(ProcessDriver.name);
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly repository: ProcessRepository,
    private readonly registry: WorkflowRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(HTTP_CLIENT) private readonly http: HttpClient,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** Runs the next unit of work of a process, if it has one. `cause` is the triggering event. */
  drive(processId: string, cause: string | null): Promise<void> {
    return this.locks.run(processId, () =>
      this.guard(processId, () => this.next(processId, cause)),
    );
  }

  /** Fires due timers: automatic retries after backoff and callback timeouts. */
  wake(processId: string): Promise<void> {
    return this.locks.run(processId, () => this.guard(processId, () => this.fireTimers(processId)));
  }

  /** A refusal here means another actor moved the process first (abort, another instance). */
  private async guard(processId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.debug(`process ${processId}: ${error.message}`);
    }
  }

  private async next(processId: string, cause: string | null): Promise<void> {
    const { state } = await this.repository.load(processId);
    if (state.revision < 0) return;
    const context: CommandContext = {
      actor: 'runner',
      correlationId: processId,
      causationId: cause,
    };
    if (state.status === 'awaiting_callback') return this.recoverInDoubtAction(state, context);
    if (state.status !== 'running') return;
    const definition = this.registry.get(state.workflow, state.workflowVersion);
    if (state.index >= definition.steps.length) {
      await this.repository.execute(
        processId,
        { type: 'CompleteProcess', stepCount: definition.steps.length },
        context,
      );
      return;
    }
    const current = definition.steps[state.index];
    const { condition } = current;
    const runs = await attempt(this.clock, () => !condition || condition(state.state));
    if (!runs.ok || !runs.value) {
      const { index, processId: id } = state;
      await this.repository.execute(
        id,
        runs.ok
          ? { type: 'SkipStep', index, name: current.name }
          : { type: 'FailStep', index, name: current.name, error: runs.error },
        context,
      );
      return;
    }
    switch (current.kind) {
      case 'step':
        return this.runAction(definition, current, state, context);
      case 'callback':
        return this.runCallbackStep(definition, current, state, context);
      case 'input':
        return this.requestInput(current, state, context);
    }
  }

  /**
   * An open token whose action never reported back. Within one instance the per-process lock
   * means the action is not still running here; its outcome is unknown, so re-issue.
   */
  private async recoverInDoubtAction(state: ProcessState, context: CommandContext): Promise<void> {
    const token = openToken(state);
    if (!token || token.actionCompleted) return;
    this.logger.warn(
      `process ${state.processId}: callback action was interrupted; issuing a new token`,
    );
    await this.repository.execute(
      state.processId,
      { type: 'ReissueCallback', tokenId: token.tokenId },
      context,
    );
  }

  private stepContext(
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
      ...extra,
    };
  }

  private async runAction(
    definition: WorkflowDefinition,
    current: ActionStep,
    state: ProcessState,
    context: CommandContext,
  ) {
    const { index } = state;
    const outcome = await attempt(this.clock, async () =>
      asDelta(await current.fn(state.state, this.stepContext(definition, state))),
    );
    if (outcome.ok) {
      await this.repository.execute(
        state.processId,
        completeStep(index, current.name, outcome),
        context,
      );
      return;
    }
    const retryAt = outcome.error.retryable
      ? nextRetryAt(current.retry, state.attempts[index] ?? 0, this.clock.now())
      : null;
    await this.repository.execute(
      state.processId,
      {
        type: 'FailStep',
        index,
        name: current.name,
        error: outcome.error,
        ...(retryAt ? { retryAt } : {}),
      },
      context,
    );
  }

  private async runCallbackStep(
    definition: WorkflowDefinition,
    current: CallbackStep,
    state: ProcessState,
    context: CommandContext,
  ) {
    const latest = [...state.tokens].reverse().find((t) => t.index === state.index);
    if (latest?.status === 'received') {
      return this.validateCallback(definition, current, state, latest.payload ?? {}, context);
    }
    const { token, tokenHash } = newCallbackToken();
    const tokenId = this.ids.uuid();
    const expiresAt = current.timeoutMs
      ? new Date(this.clock.now().getTime() + current.timeoutMs).toISOString()
      : null;
    // Issued (appended) before the action runs, so a callback that beats the action is accepted.
    await this.repository.execute(
      state.processId,
      {
        type: 'IssueCallback',
        index: state.index,
        name: current.name,
        tokenId,
        tokenHash,
        expiresAt,
      },
      context,
    );
    const route = callbackRoute(state.processId, token);
    const callbackUrl = `${this.config.publicUrl}${route}`;
    const ctx = this.stepContext(definition, state, {
      callbackRoute: route,
      callbackUrl,
      progressUrl: `${callbackUrl}/progress`,
    });
    const outcome = await attempt(this.clock, () => current.action.fn(state.state, ctx));
    await this.repository.execute(
      state.processId,
      outcome.ok
        ? {
            type: 'CompleteCallbackAction',
            tokenId,
            startedAt: outcome.startedAt,
            durationMs: outcome.durationMs,
          }
        : { type: 'FailCallbackAction', tokenId, error: redactToken(outcome.error, token) },
      context,
    );
  }

  private async validateCallback(
    definition: WorkflowDefinition,
    current: CallbackStep,
    state: ProcessState,
    payload: JsonObject,
    context: CommandContext,
  ) {
    const result = { [current.resultKey]: payload };
    const validate = current.validate;
    const outcome = await attempt(this.clock, async () => ({
      ...result,
      ...(validate
        ? asDelta(
            await validate.fn({ ...state.state, ...result }, this.stepContext(definition, state)),
          )
        : {}),
    }));
    await this.repository.execute(
      state.processId,
      outcome.ok
        ? completeStep(state.index, current.name, outcome)
        : { type: 'FailStep', index: state.index, name: current.name, error: outcome.error },
      context,
    );
  }

  private async requestInput(current: InputStep, state: ProcessState, context: CommandContext) {
    const { index } = state;
    const outcome = await attempt(this.clock, () => {
      const spec = current.form(state.state);
      return (
        spec && {
          title: spec.title,
          schema: formToJsonSchema(spec.form, spec.title),
          values: spec.values ?? {},
        }
      );
    });
    if (!outcome.ok) {
      await this.repository.execute(
        state.processId,
        { type: 'FailStep', index, name: current.name, error: outcome.error },
        context,
      );
    } else if (!outcome.value) {
      await this.repository.execute(
        state.processId,
        { type: 'SkipStep', index, name: current.name },
        context,
      );
    } else {
      await this.repository.execute(
        state.processId,
        {
          type: 'RequestInput',
          index,
          name: current.name,
          assignee: current.assignee,
          form: outcome.value,
        },
        context,
      );
    }
  }

  private async fireTimers(processId: string): Promise<void> {
    const { state } = await this.repository.load(processId);
    const now = this.clock.now().toISOString();
    const context: CommandContext = { actor: 'timer', correlationId: processId, causationId: null };
    if (state.status === 'waiting')
      await this.repository.execute(processId, { type: 'RetryDue', now }, context);
    const token = openToken(state);
    if (state.status === 'awaiting_callback' && token) {
      await this.repository.execute(
        processId,
        { type: 'ExpireCallback', tokenId: token.tokenId, now },
        context,
      );
    }
  }
}
