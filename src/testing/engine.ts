/**
 * Baton's engine, assembled for tests: the same decider, repository, runner units, timer sweep
 * and command handlers the service runs, on the in-memory store, with the virtual clock, ids
 * that count up and the scripted remote. Only the plumbing that exists to run many processes
 * concurrently (the subscription and its DriveScheduler) is replaced, by a loop that drives one
 * event at a time: the same drives, in a deterministic order, with nothing left running.
 */
import { ReceiveCallbackHandler } from '../application/commands/receive-callback';
import { ReportProgressHandler } from '../application/commands/report-progress';
import { ResumeProcessHandler } from '../application/commands/resume-process';
import {
  AbortProcessHandler,
  RetryProcessHandler,
} from '../application/commands/retry-abort-process';
import { StartProcessHandler } from '../application/commands/start-process';
import { SoleOwnership } from '../application/ownership/sole-ownership';
import { IdGenerator } from '../application/ports/clock';
import { RuntimeConfig } from '../application/ports/runtime-config';
import { ProcessRepository } from '../application/process/process-repository';
import { GetProcessHandler } from '../application/queries/process-queries';
import { CallbackStepRunner } from '../application/runner/callback-step-runner';
import { ProcessDriver } from '../application/runner/process-driver';
import { ProcessParker } from '../application/runner/process-parker';
import { StepContextFactory } from '../application/runner/step-context';
import { StepRunner } from '../application/runner/step-runner';
import { TimerSweep } from '../application/runner/timer-sweep';
import { RuntimeEvents } from '../application/runtime-events';
import { ProcessState } from '../domain/process/state';
import { StepContext, WorkflowDefinition } from '../domain/workflow/dsl';
import { WorkflowRegistry } from '../domain/workflow/registry';
import { InMemoryEventStore } from '../infrastructure/memory/in-memory-event-store';
import { Outcome } from '../application/runner/step-outcome';
import { ScriptedRemote } from './scripted-remote';
import { VirtualClock } from './virtual-clock';

/** Callback URLs the kit hands to steps start with this (no server listens: the kit delivers). */
export const KIT_PUBLIC_URL = 'http://baton.test';

/** Ids that count up, so two runs of a test produce the same ids. */
export class CountingIds implements IdGenerator {
  private n = 0;
  uuid(): string {
    this.n += 1;
    return `00000000-0000-4000-8000-${String(this.n).padStart(12, '0')}`;
  }
}

/**
 * The step context factory the service uses, telling the kit each callback URL it hands to an
 * action: the kit delivers callbacks to it the way the remote service would.
 */
class ObservedStepContexts extends StepContextFactory {
  constructor(
    clock: VirtualClock,
    ids: IdGenerator,
    http: ScriptedRemote,
    config: RuntimeConfig,
    private readonly issued: (processId: string, callbackUrl: string) => void,
  ) {
    super(clock, ids, http, config);
  }

  override run<T>(
    definition: WorkflowDefinition,
    state: ProcessState,
    work: (ctx: StepContext) => T | Promise<T>,
    extra: Partial<StepContext> = {},
  ): Promise<Outcome<T>> {
    if (extra.callbackUrl) this.issued(state.processId, extra.callbackUrl);
    return super.run(definition, state, work, extra);
  }
}

export interface EngineOptions {
  workflows: readonly WorkflowDefinition[];
  settings: Record<string, string | undefined>;
  clock: VirtualClock;
  remote: ScriptedRemote;
  callbackSecrets?: Record<string, string>;
  issued: (processId: string, callbackUrl: string) => void;
}

export const assembleEngine = (options: EngineOptions) => {
  const { clock, remote } = options;
  const registry = new WorkflowRegistry();
  for (const definition of options.workflows) registry.register(definition);
  const store = new InMemoryEventStore();
  const ids = new CountingIds();
  const ownership = new SoleOwnership();
  const runtime: RuntimeConfig = {
    publicUrl: KIT_PUBLIC_URL,
    workflowSettings: options.settings,
    // The kit fires timers itself when the test moves the clock; the sweep's own poll never
    // runs a pass that matters (the clock stands still between the test's calls).
    timerPollMs: 2_000_000_000,
    callbackSecrets: options.callbackSecrets,
  };
  const events = new RuntimeEvents();
  const repository = new ProcessRepository(store, clock, undefined, undefined, events);
  const contexts = new ObservedStepContexts(clock, ids, remote, runtime, options.issued);
  const callbacks = new CallbackStepRunner(repository, contexts, clock, ids, runtime);
  const steps = new StepRunner(repository, contexts, callbacks, clock);
  const driver = new ProcessDriver(repository, registry, steps, callbacks, clock, ownership);
  const parker = new ProcessParker(repository, store, clock, events);
  const timers = new TimerSweep(store, ownership, clock, runtime, driver, parker, events);
  return {
    store,
    registry,
    repository,
    driver,
    timers,
    ownership,
    handlers: {
      start: new StartProcessHandler(registry, repository, ids),
      resume: new ResumeProcessHandler(registry, repository, clock),
      retry: new RetryProcessHandler(repository),
      abort: new AbortProcessHandler(repository),
      callback: new ReceiveCallbackHandler(repository, registry, runtime),
      progress: new ReportProgressHandler(repository, registry, clock, runtime),
      detail: new GetProcessHandler(repository, registry),
    },
  };
};

export type Engine = ReturnType<typeof assembleEngine>;
