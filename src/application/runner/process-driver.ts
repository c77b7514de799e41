/**
 * Moves one process forward by one unit of work: runs the next step (or its callback action,
 * validation or form) and records the outcome through the decider. The appended event comes
 * back through the runner's subscription and triggers the next unit, so a crash between any
 * two units is recovered by replaying the subscription from its checkpoint.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../domain/errors';
import { openToken } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { CLOCK, Clock } from '../ports/clock';
import { CommandContext, ProcessRepository } from '../process/process-repository';
import { CallbackStepRunner } from './callback-step-runner';
import { KeyedMutex } from './keyed-mutex';
import { StepRunner } from './step-runner';

@Injectable()
export class ProcessDriver {
  private readonly logger = new Logger(ProcessDriver.name);
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly repository: ProcessRepository,
    private readonly registry: WorkflowRegistry,
    private readonly steps: StepRunner,
    private readonly callbacks: CallbackStepRunner,
    @Inject(CLOCK) private readonly clock: Clock,
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
    if (state.status === 'awaiting_callback')
      return this.callbacks.recoverInDoubtAction(state, context);
    if (state.status !== 'running') return;
    const definition = this.registry.get(state.workflow, state.workflowVersion);
    if (state.index < definition.steps.length)
      return this.steps.runCurrent(definition, state, context);
    await this.repository.execute(
      processId,
      { type: 'CompleteProcess', stepCount: definition.steps.length },
      context,
      state,
    );
  }

  private async fireTimers(processId: string): Promise<void> {
    const { state } = await this.repository.load(processId);
    const now = this.clock.now().toISOString();
    const context: CommandContext = { actor: 'timer', correlationId: processId, causationId: null };
    if (state.status === 'waiting')
      await this.repository.execute(processId, { type: 'RetryDue', now }, context, state);
    const token = openToken(state);
    if (state.status === 'awaiting_callback' && token) {
      await this.repository.execute(
        processId,
        { type: 'ExpireCallback', tokenId: token.tokenId, now },
        context,
        state,
      );
    }
  }
}
