/**
 * TestEnvironment: a workflow's whole life in a Jest test, without a database or a server, in
 * milliseconds. Commands go through Baton's own command handlers; after each one the kit drives
 * every process until nothing is left to do, the way the service's runner would. Time stands
 * still until the test moves it: `advance('1h')` jumps from one due timer to the next (retry
 * back-off, callback and heartbeat timeouts), firing each at its instant.
 */
import { randomUUID } from 'node:crypto';
import { StartProcessCommand } from '../application/commands/start-process';
import { processIdOfStream } from '../domain/process/events';
import { WorkflowDefinition } from '../domain/workflow/dsl';
import { Actor } from '../domain/access/roles';
import { assembleEngine, Engine } from './engine';
import { refusedAs } from './outcomes';
import { ProcessUnderTest } from './process-under-test';
import { ScriptedRemote, UnexpectedRequestError } from './scripted-remote';
import { Duration, toMs, VirtualClock } from './virtual-clock';

export interface TestEnvironmentOptions {
  /** The workflows under test (every version a test needs). */
  workflows: readonly WorkflowDefinition[];
  /** What steps read through `ctx.settings` (for example ANSIBLE_PROXY_URL). */
  settings?: Record<string, string | undefined>;
  /** Virtual time at the start (default 2026-01-01T00:00:00Z). */
  startAt?: Date | string;
  /** Workflow name → secret its runner signs callbacks with (as in the service). */
  callbackSecrets?: Record<string, string>;
}

/** Who acts when a test does not say: an operator (admins and listed roles are opt-in). */
export const DEFAULT_ACTOR: Actor = { name: 'test-operator', roles: ['operator'] };

/** Drives handled before the kit decides a workflow loops forever. */
const MAX_DRIVES = 10_000;

export class TestEnvironment {
  readonly clock: VirtualClock;
  readonly remote: ScriptedRemote;
  /** @internal the assembled engine, for the kit's own helpers. */
  readonly engine: Engine;
  /** Callback URLs handed to actions, per process, oldest first. */
  private readonly callbackUrls = new Map<string, string[]>();
  /** Global position up to which every event has been driven. */
  private driven = 0;
  private settling: Promise<void> | undefined;

  constructor(options: TestEnvironmentOptions) {
    this.clock = new VirtualClock(options.startAt);
    this.remote = new ScriptedRemote(
      () => this.clock.now(),
      (processId) => this.stepNameOf(processId),
    );
    this.engine = assembleEngine({
      workflows: options.workflows,
      settings: options.settings ?? {},
      clock: this.clock,
      remote: this.remote,
      callbackSecrets: options.callbackSecrets,
      issued: (processId, url) => {
        const urls = this.callbackUrls.get(processId) ?? [];
        this.callbackUrls.set(processId, [...urls, url]);
      },
    });
    this.engine.timers.start(() => this.allPartitions());
  }

  /** Starts a process through the start command (input validated as the API would). */
  async start(
    workflow: string,
    input: unknown = {},
    options: { as?: Actor } = {},
  ): Promise<ProcessUnderTest> {
    const { id } = await refusedAs(`Starting ${workflow}`, () =>
      this.engine.handlers.start.execute(
        new StartProcessCommand(workflow, input, options.as ?? DEFAULT_ACTOR, randomUUID()),
      ),
    );
    await this.settle();
    return this.process(id);
  }

  /** A handle on a process already started (by id). */
  process(id: string): ProcessUnderTest {
    return new ProcessUnderTest(this, id);
  }

  /** Callback URLs issued to one process's actions so far, oldest first. */
  callbackUrlsOf(processId: string): string[] {
    return [...(this.callbackUrls.get(processId) ?? [])];
  }

  /**
   * Drives every process until none has work left, then raises anything the test must hear
   * about (a request the remote script did not expect). Every helper calls it; a test calls it
   * itself only after acting on the engine some other way.
   */
  async settle(): Promise<void> {
    // A remote reply that delivers a callback settles from inside a drive: the outer loop
    // will pick up what it appended.
    if (this.settling) return;
    this.settling = this.driveAll().finally(() => (this.settling = undefined));
    await this.settling;
    const unexpected = this.remote.takeUnexpected();
    if (unexpected.length > 0) {
      const more = unexpected.length > 1 ? `\n(and ${unexpected.length - 1} more)` : '';
      throw new UnexpectedRequestError(`${unexpected[0].message}${more}`);
    }
  }

  /**
   * Moves virtual time forward by `duration`, firing every timer that falls due on the way at
   * its own instant (so a retry scheduled by an earlier timer fires too), then settles.
   */
  async advance(duration: Duration): Promise<void> {
    await this.advanceTo(new Date(this.clock.now().getTime() + toMs(duration)));
  }

  /** Moves virtual time to `instant` (never backwards), firing due timers on the way. */
  async advanceTo(instant: Date | string): Promise<void> {
    const target = new Date(instant);
    await this.settle();
    for (let fired = 0; ; fired++) {
      if (fired > MAX_DRIVES) throw new Error('Timers keep firing: does a workflow loop forever?');
      const next = await this.nextTimerAt();
      if (next === null || next > target) break;
      this.clock.moveTo(next);
      await this.engine.timers.sweep();
      await this.settle();
    }
    this.clock.moveTo(target);
  }

  /** When the next timer falls due (retry back-off, callback deadline), or null if none. */
  async nextTimerAt(): Promise<Date | null> {
    const [next] = await this.engine.store.due(
      new Date('9999-12-31T23:59:59.999Z'), // ISO strings compare as text: keep four digits
      this.allPartitions(),
      this.engine.ownership.partitionCount,
      1,
    );
    return next ? new Date(next.dueAt) : null;
  }

  /** Stops the timer sweep; the environment is not used afterwards. */
  async close(): Promise<void> {
    await this.engine.timers.stop();
    await this.engine.store.close();
  }

  private async driveAll(): Promise<void> {
    for (let drives = 0; ;) {
      const batch = await this.engine.store.readAll({ after: this.driven, limit: 500 });
      if (batch.length === 0) return;
      this.engine.repository.observe(batch);
      for (const event of batch) {
        const processId = processIdOfStream(event.streamId);
        if (processId !== null) {
          if (++drives > MAX_DRIVES)
            throw new Error(`Process ${processId} keeps running: does its workflow loop forever?`);
          await this.engine.driver.drive(processId, {
            eventId: event.eventId,
            revision: event.revision,
          });
        }
        this.driven = event.position;
      }
    }
  }

  private async stepNameOf(processId: string): Promise<string | undefined> {
    const { state } = await this.engine.repository.read(processId);
    if (state.revision < 0) return undefined;
    return this.engine.registry.get(state.workflow, state.workflowVersion).steps[state.index]?.name;
  }

  private allPartitions(): number[] {
    return Array.from({ length: this.engine.ownership.partitionCount }, (_, i) => i);
  }
}

/** A fresh environment for the given workflows (one per test keeps tests independent). */
export const createTestEnvironment = (options: TestEnvironmentOptions): TestEnvironment =>
  new TestEnvironment(options);
