/** Runs the current step of a running process: one unit of work, its outcome recorded. */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { TRACING, Tracing, noTracing } from '../ports/tracing';
import { ProcessState } from '../../domain/process/state';
import { ActionStep, InputStep, WorkflowDefinition } from '../../domain/workflow/dsl';
import { nextRetryAt } from '../../domain/workflow/retry';
import { formToJsonSchema } from '../forms/forms';
import { CLOCK, Clock } from '../ports/clock';
import { METRICS, Metrics, noopMetrics } from '../ports/metrics';
import { CommandContext, ExecutionResult, ProcessRepository } from '../process/process-repository';
import { CallbackStepRunner } from './callback-step-runner';
import { StepContextFactory } from './step-context';
import { asDelta, attempt, completeStep, recordStep } from './step-outcome';

@Injectable()
export class StepRunner {
  constructor(
    private readonly repository: ProcessRepository,
    private readonly contexts: StepContextFactory,
    private readonly callbacks: CallbackStepRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = noopMetrics,
    @Optional() @Inject(TRACING) private readonly tracing: Tracing = noTracing,
  ) {}

  /** Runs the step and records its outcome; resolves with the process after that record. */
  runCurrent(
    definition: WorkflowDefinition,
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult> {
    // Off, not even the span's attributes are built.
    if (!this.tracing.enabled) return this.runStep(definition, state, context);
    const step = definition.steps[state.index];
    return this.tracing.span(
      `step ${step.name}`,
      {
        'baton.process_id': state.processId,
        'baton.step.index': state.index,
        'baton.step.kind': step.kind,
      },
      () => this.runStep(definition, state, context),
    );
  }

  private async runStep(
    definition: WorkflowDefinition,
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult> {
    const current = definition.steps[state.index];
    const { index, processId } = state;
    const { condition } = current;
    const runs = await attempt(this.clock, () => !condition || condition(state.state));
    if (!runs.ok || !runs.value) {
      return this.repository.execute(
        processId,
        runs.ok
          ? { type: 'SkipStep', index, name: current.name }
          : { type: 'FailStep', index, name: current.name, error: runs.error },
        context,
        state,
      );
    }
    switch (current.kind) {
      case 'step':
        return this.runAction(definition, current, state, context);
      case 'callback':
        return this.callbacks.run(definition, current, state, context);
      case 'input':
        return this.requestInput(current, state, context);
    }
  }

  private async runAction(
    definition: WorkflowDefinition,
    current: ActionStep,
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult> {
    const { index } = state;
    const outcome = await this.contexts.run(definition, state, async (ctx) =>
      asDelta(await current.fn(state.state, ctx)),
    );
    recordStep(this.metrics, definition.name, current.name, 'step', outcome);
    if (outcome.ok) {
      return this.repository.execute(
        state.processId,
        completeStep(index, current.name, outcome, definition.steps.length),
        context,
        state,
      );
    }
    const retryAt = outcome.error.retryable
      ? nextRetryAt(current.retry, state.attempts[index] ?? 0, this.clock.now())
      : null;
    return this.repository.execute(
      state.processId,
      {
        type: 'FailStep',
        index,
        name: current.name,
        error: outcome.error,
        ...(retryAt ? { retryAt } : {}),
      },
      context,
      state,
    );
  }

  private async requestInput(
    current: InputStep,
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult> {
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
      return this.repository.execute(
        state.processId,
        { type: 'FailStep', index, name: current.name, error: outcome.error },
        context,
        state,
      );
    }
    if (!outcome.value) {
      return this.repository.execute(
        state.processId,
        { type: 'SkipStep', index, name: current.name },
        context,
        state,
      );
    }
    return this.repository.execute(
      state.processId,
      {
        type: 'RequestInput',
        index,
        name: current.name,
        assignee: current.assignee,
        form: outcome.value,
        ...(current.roles ? { roles: [...current.roles] } : {}),
      },
      context,
      state,
    );
  }
}
