/**
 * Moves one process forward: runs its next unit of work (a step, its callback action, validation
 * or form), records the outcome through the decider, and goes straight on to the next unit while
 * the process keeps running, until it pauses (awaiting a callback, suspended, failed, done).
 * Every outcome is appended before the next unit starts, so a crash between any two units is
 * recovered by replaying the runner's subscription from its checkpoint. The events appended here
 * also come back through that subscription; their drives find the process already past them and
 * do nothing, without reading the store.
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DomainError } from '../../domain/errors';
import { nextWakeAt } from '../../domain/process/timers';
import { partitionOf } from '../ownership/partitions';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { ProcessState, openToken, tokenInDoubt } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { CLOCK, Clock } from '../ports/clock';
import { CommandContext, ExecutionResult, ProcessRepository } from '../process/process-repository';
import { CallbackStepRunner } from './callback-step-runner';
import { DriveCause } from './drive-scheduler';
import { KeyedMutex } from '../keyed-mutex';
import { withLogContext } from '../observability/log-context';
import { processTraceparent } from '../observability/process-trace';
import { TRACING, Tracing, noTracing } from '../ports/tracing';
import { withFence } from '../ownership/write-fence';
import { StepRunner } from './step-runner';

/** The runner's events carry the process id as correlation id; so do its log lines. */
const runnerLogContext = (processId: string) => ({ processId, correlationId: processId });

/** Units one drive runs before leaving the rest to the drives its own events trigger. */
const MAX_UNITS_PER_DRIVE = 50;

/** What a timer's firing did: whether it appended, and when the process is due next. */
export interface WakeOutcome {
  appended: boolean;
  wakeAt: string | null;
}

/**
 * Refusals that only mean another actor moved the process first (an operator's abort, a
 * callback, a command on another instance): expected, so quiet. Anything else is a failure.
 */
const EXPECTED_REFUSALS = new Set(['ILLEGAL_STATE', 'GONE', 'CONFLICT']);

/** Thrown for a process the runner must not drive; counts towards parking it. */
export class UndrivableProcessError extends Error {}

/**
 * The process's workflow version is not among the definitions this deployment was started with
 * (removed, renamed, or a version dropped while processes still ran on it). Trying again cannot
 * help until a deployment registers it again, so the process is parked at once, saying so.
 */
export class WorkflowNotDeployedError extends UndrivableProcessError {
  constructor(workflow: string, version: number, deployed: readonly number[]) {
    super(
      `workflow ${workflow} v${version} is not registered in this deployment (${
        deployed.length > 0
          ? `it has ${deployed.map((v) => `v${v}`).join(', ')}`
          : 'it has no version of it'
      }); deploy a service that registers ${workflow} v${version} again, then retry the process`,
    );
    this.name = 'WorkflowNotDeployedError';
  }
}

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
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    @Optional() @Inject(TRACING) private readonly tracing: Tracing = noTracing,
  ) {}

  /** Runs the process's work, if it has any, as of the event that triggered the drive. */
  drive(processId: string, cause: DriveCause): Promise<void> {
    return withLogContext(runnerLogContext(processId), () =>
      this.locks.run(processId, async () => {
        await this.guard(processId, () => this.advance(processId, cause));
      }),
    );
  }

  /**
   * Fires due timers: automatic retries after backoff and callback timeouts. Undefined when
   * this instance does not hold the process's partition (any more).
   */
  wake(processId: string): Promise<WakeOutcome | undefined> {
    return withLogContext(runnerLogContext(processId), () =>
      this.locks.run(processId, async () => {
        const partition = partitionOf(processId, this.ownership.partitionCount);
        if (!this.ownership.holds(partition)) return undefined;
        // Its appends are refused by the store if the partition has moved on meanwhile.
        const outcome = await withFence(this.ownership.fenceOf(partition), () =>
          this.guard(processId, () => this.fireTimers(processId)),
        );
        return outcome ?? { appended: false, wakeAt: null };
      }),
    );
  }

  private owns(processId: string): boolean {
    return this.ownership.holds(partitionOf(processId, this.ownership.partitionCount));
  }

  private async guard<T>(processId: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof DomainError) || !EXPECTED_REFUSALS.has(error.code)) throw error;
      this.logger.debug(`process ${processId}: ${error.message}`);
      return undefined;
    }
  }

  private async advance(processId: string, cause: DriveCause): Promise<void> {
    // The cached fold will do if it already includes the trigger; an action in doubt is judged
    // on a fresh read only, since re-issuing has a cost (the action runs again).
    const loaded = await this.repository.loadAtLeast(
      processId,
      cause.revision,
      (s) => tokenInDoubt(s) === undefined,
    );
    const { state } = loaded;
    // Most drives find nothing to do (the runner's own events come back): no span for those.
    if (!this.tracing.enabled || !(state.status === 'running' || tokenInDoubt(state)))
      return this.runUnits(processId, state, cause);
    await this.tracing.span(
      'drive',
      { 'baton.process_id': processId, 'baton.workflow': state.workflow },
      () => this.runUnits(processId, state, cause),
      { parent: processTraceparent(loaded.events) },
    );
  }

  private async runUnits(processId: string, from: ProcessState, cause: DriveCause) {
    let state = from;
    let causationId = cause.eventId;
    for (let unit = 0; unit < MAX_UNITS_PER_DRIVE; unit++) {
      // Between units, not inside one: a partition handed back or lost stops the drive here.
      if (!this.owns(processId)) return;
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
    if (state.revision < 0 || state.parked) return undefined;
    if (state.unreadable) {
      throw new UndrivableProcessError(
        `event ${state.unreadable.type} at revision ${state.unreadable.revision} is not known to this version`,
      );
    }
    if (state.status === 'awaiting_callback')
      return this.callbacks.recoverInDoubtAction(state, context);
    if (state.status !== 'running') return undefined;
    const definition = this.registry.find(state.workflow, state.workflowVersion);
    if (definition === undefined)
      throw new WorkflowNotDeployedError(
        state.workflow,
        state.workflowVersion,
        this.registry.versionsOf(state.workflow),
      );
    if (state.index < definition.steps.length)
      return this.steps.runCurrent(definition, state, context);
    return this.repository.execute(
      state.processId,
      { type: 'CompleteProcess', stepCount: definition.steps.length },
      context,
      state,
    );
  }

  private async fireTimers(processId: string): Promise<WakeOutcome> {
    const { state } = await this.repository.load(processId);
    if (state.parked) return { appended: false, wakeAt: null };
    const now = this.clock.now().toISOString();
    const context: CommandContext = { actor: 'timer', correlationId: processId, causationId: null };
    const token = openToken(state);
    const command =
      state.status === 'waiting'
        ? ({ type: 'RetryDue', now } as const)
        : state.status === 'awaiting_callback' && token
          ? ({ type: 'ExpireCallback', tokenId: token.tokenId, now } as const)
          : undefined;
    if (command === undefined) return { appended: false, wakeAt: nextWakeAt(state) };
    const result = await this.repository.execute(processId, command, context, state);
    return { appended: result.appended > 0, wakeAt: nextWakeAt(result.state) };
  }
}
