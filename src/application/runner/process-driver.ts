/**
 * Moves one process forward: runs its next unit of work (a step, its callback action, validation
 * or form), records the outcome through the decider, and goes straight on to the next unit while
 * the process keeps running, until it pauses (awaiting a callback, suspended, failed, done).
 * Every outcome is appended before the next unit starts, so a crash between any two units is
 * recovered by replaying the runner's subscription from its checkpoint. The events appended here
 * also come back through that subscription; their drives find the process already past them and
 * do nothing, without reading the store.
 */
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../domain/errors';
import { ProcessState, openToken, tokenInDoubt } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { CLOCK, Clock } from '../ports/clock';
import { CommandContext, ExecutionResult, ProcessRepository } from '../process/process-repository';
import { CallbackStepRunner } from './callback-step-runner';
import { DriveCause } from './drive-scheduler';
import { KeyedMutex } from '../keyed-mutex';
import { withLogContext } from '../observability/log-context';
import { StepRunner } from './step-runner';

/** The runner's events carry the process id as correlation id; so do its log lines. */
const runnerLogContext = (processId: string) => ({ processId, correlationId: processId });

/** Units one drive runs before leaving the rest to the drives its own events trigger. */
const MAX_UNITS_PER_DRIVE = 50;

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

  /** Runs the process's work, if it has any, as of the event that triggered the drive. */
  drive(processId: string, cause: DriveCause): Promise<void> {
    return withLogContext(runnerLogContext(processId), () =>
      this.locks.run(processId, () => this.guard(processId, () => this.advance(processId, cause))),
    );
  }

  /** Fires due timers: automatic retries after backoff and callback timeouts. */
  wake(processId: string): Promise<void> {
    return withLogContext(runnerLogContext(processId), () =>
      this.locks.run(processId, () => this.guard(processId, () => this.fireTimers(processId))),
    );
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

  private async advance(processId: string, cause: DriveCause): Promise<void> {
    // The cached fold will do if it already includes the trigger; an action in doubt is judged
    // on a fresh read only, since re-issuing has a cost (the action runs again).
    let { state } = await this.repository.loadAtLeast(
      processId,
      cause.revision,
      (s) => tokenInDoubt(s) === undefined,
    );
    let causationId = cause.eventId;
    for (let unit = 0; unit < MAX_UNITS_PER_DRIVE; unit++) {
      const context: CommandContext = { actor: 'runner', correlationId: processId, causationId };
      const result = await this.runUnit(state, context);
      if (result === undefined) return;
      state = result.state;
      causationId = result.lastEventId ?? causationId;
    }
  }

  private async runUnit(
    state: ProcessState,
    context: CommandContext,
  ): Promise<ExecutionResult | undefined> {
    if (state.revision < 0) return undefined;
    if (state.status === 'awaiting_callback')
      return this.callbacks.recoverInDoubtAction(state, context);
    if (state.status !== 'running') return undefined;
    const definition = this.registry.get(state.workflow, state.workflowVersion);
    if (state.index < definition.steps.length)
      return this.steps.runCurrent(definition, state, context);
    return this.repository.execute(
      state.processId,
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
