/**
 * The callback step's units of work: issue a token and run the action, validate the received
 * payload, and re-issue when a crash left the action's outcome unknown.
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { JsonObject } from '../../domain/process/events';
import { ProcessState, tokenInDoubt } from '../../domain/process/state';
import { callbackExpiry } from '../../domain/workflow/callback-expiry';
import { CallbackStep, WorkflowDefinition } from '../../domain/workflow/dsl';
import { callbackRoute, newCallbackToken, redactToken } from '../callbacks/tokens';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../ports/clock';
import { METRICS, Metrics, noopMetrics } from '../ports/metrics';
import { RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { CommandContext, ExecutionResult, ProcessRepository } from '../process/process-repository';
import { StepContextFactory } from './step-context';
import { asDelta, completeStep, recordStep } from './step-outcome';

@Injectable()
export class CallbackStepRunner {
  private readonly logger = new Logger(CallbackStepRunner.name);

  constructor(
    private readonly repository: ProcessRepository,
    private readonly contexts: StepContextFactory,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = noopMetrics,
  ) {}

  async run(
    definition: WorkflowDefinition,
    current: CallbackStep,
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult> {
    const latest = [...state.tokens].reverse().find((t) => t.index === state.index);
    if (latest?.status === 'received')
      return this.validate(definition, current, state, latest.payload ?? {}, context);

    const { token, tokenHash } = newCallbackToken();
    const tokenId = this.ids.uuid();
    const now = this.clock.now();
    const expiresAt = callbackExpiry(current, now, now);
    // Issued (appended) before the action runs, so a callback that beats the action is accepted.
    const issued = await this.repository.execute(
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
      state,
    );
    const route = callbackRoute(state.processId, token);
    const callbackUrl = `${this.config.publicUrl}${route}`;
    const outcome = await this.contexts.run(
      definition,
      state,
      (ctx) => current.action.fn(state.state, ctx),
      { callbackRoute: route, callbackUrl, progressUrl: `${callbackUrl}/progress` },
    );
    recordStep(this.metrics, definition.name, current.name, 'callback_action', outcome);
    if (outcome.ok) {
      const settled = await this.callbackFirst(issued.state, tokenId);
      if (settled) return settled;
    }
    // No `known` state: the callback may well have arrived while the action ran.
    return this.repository.execute(
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

  /**
   * The action returned; undefined when its return is to be recorded. A remote that answers at
   * once calls back while the action's return is being appended, and the callback then waits
   * for that append to commit before it can append its own: at load, about half of its answer
   * time. So the callback gets up to `callbackGraceMs` to go first. Its arrival proves the
   * action ran, so the return then needs no record at all (the decider would drop it anyway):
   * one append fewer. Other changes (progress reports) do not end the grace; its end lets the
   * return be recorded as before. A crash in the grace is a crash during the action: the token
   * is open with no record of the return, and recovery re-issues it.
   */
  private async callbackFirst(
    issued: ProcessState,
    tokenId: string,
  ): Promise<ExecutionResult | undefined> {
    const { processId } = issued;
    const deadline = Date.now() + (this.config.callbackGraceMs ?? 0);
    // The cached fold (a read only when it is gone): past a callback that came during the
    // action, or past progress reports, after which the wait below would end at once.
    let loaded = await this.repository.loadAtLeast(processId, issued.revision);
    for (;;) {
      if (tokenUsed(loaded.state, tokenId)) {
        const last = loaded.events[loaded.events.length - 1];
        return { state: loaded.state, appended: 0, lastEventId: last?.eventId };
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      const seen = loaded.state.revision;
      await this.repository.waitForChange(processId, seen, left);
      loaded = await this.repository.loadAtLeast(processId, seen);
      // Unchanged: the grace ran out, or nothing here can tell of a change (no cached fold).
      if (loaded.state.revision === seen) return undefined;
    }
  }

  /**
   * An open token whose action never reported back. Within one instance the per-process lock
   * means the action is not still running here; its outcome is unknown, so re-issue.
   */
  async recoverInDoubtAction(
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult | undefined> {
    const token = tokenInDoubt(state);
    if (!token) return undefined;
    this.logger.warn(
      `process ${state.processId}: callback action was interrupted; issuing a new token`,
    );
    return this.repository.execute(
      state.processId,
      { type: 'ReissueCallback', tokenId: token.tokenId },
      context,
      state,
    );
  }

  private async validate(
    definition: WorkflowDefinition,
    current: CallbackStep,
    state: ProcessState,
    payload: JsonObject,
    context: CommandContext,
  ): Promise<ExecutionResult> {
    const result = { [current.resultKey]: payload };
    const validate = current.validate;
    const outcome = await this.contexts.run(definition, state, async (ctx) => ({
      ...result,
      ...(validate ? asDelta(await validate.fn({ ...state.state, ...result }, ctx)) : {}),
    }));
    recordStep(this.metrics, definition.name, current.name, 'callback_validation', outcome);
    return this.repository.execute(
      state.processId,
      outcome.ok
        ? completeStep(state.index, current.name, outcome, definition.steps.length)
        : { type: 'FailStep', index: state.index, name: current.name, error: outcome.error },
      context,
      state,
    );
  }
}

/** Received, revoked or expired: tokens never reopen, so a token seen used in any fold is used. */
const tokenUsed = (state: ProcessState, tokenId: string): boolean => {
  const token = state.tokens.find((t) => t.tokenId === tokenId);
  return token !== undefined && token.status !== 'open';
};
