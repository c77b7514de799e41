/**
 * Executes commands against a process: decide, then append with the revision the decision was
 * based on. On a conflict it re-reads and re-decides; the command carries the step's result, so
 * nothing is executed twice. The pieces it uses each have their own file in this folder (the
 * write side, which reads and appends process streams): cached loads (process-loader), the
 * stream's hash chain (chain-heads), the timer an append carries (append-timer) and what an
 * append tells the metrics (append-metrics). Folding itself is pure and lives in ../folding.
 *
 * A command may be decided on a cached state without reading at all, because its append
 * carries the expected revision; only a decision that appends nothing (a refusal, a duplicate)
 * is re-taken on a fresh read first, so nobody is ever refused on the strength of a stale cache.
 */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ProcessCommand } from '../../domain/process/commands';
import { DomainError } from '../../domain/errors';
import { CallbackAnswer, Decision, decide } from '../../domain/process/decide';
import {
  EVENT_SCHEMA_VERSION,
  processIdOfStream,
  processStreamId,
} from '../../domain/process/events';
import { ProcessState, evolve } from '../../domain/process/state';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore, NewEvent, RecordedEvent } from '../ports/event-store';
import { ConcurrencyError } from '../ports/store-errors';
import { chainEvents } from '../history/event-chain';
import { KeyedMutex } from '../keyed-mutex';
import { METRICS, Metrics, noopMetrics } from '../ports/metrics';
import { TRACING, Tracing, noTracing } from '../ports/tracing';
import { RuntimeEvents } from '../runtime-events';
import { appliedWithKey } from '../commands/idempotency';
import { logLifecycle } from '../observability/lifecycle-log';
import { AppendMetrics } from './append-metrics';
import { timerChange } from './append-timer';
import { ChainHeads } from './chain-heads';
import { LoadedProcess, ProcessLoader } from './process-loader';
import { ProcessChanges } from './process-changes';

export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string | null;
  /** Recorded in the metadata, so a retried request is recognised (see idempotency.ts). */
  idempotencyKey?: string;
}

export interface ExecutionResult {
  state: ProcessState;
  appended: number;
  answer?: CallbackAnswer;
  /** Id of the last event appended, when the store reported it (the next unit's causation). */
  lastEventId?: string;
  /** The caller's Idempotency-Key is recorded already: applied before, not applied again. */
  alreadyApplied?: boolean;
}

/** Enough for a burst of 100 concurrent callbacks on one token: each round one append wins. */
const MAX_ATTEMPTS = 200;

/** Processes whose folds stay in memory unless configured otherwise. */
export const DEFAULT_PROCESS_CACHE_SIZE = 1000;
export const PROCESS_CACHE_SIZE = Symbol('ProcessCacheSize');

@Injectable()
export class ProcessRepository {
  private readonly loader: ProcessLoader;
  private readonly chainHeads: ChainHeads;
  private readonly writers = new KeyedMutex();
  private readonly appendMetrics: AppendMetrics;
  private readonly changes = new ProcessChanges();
  /**
   * Per process, the last revision of the append this instance has in flight (one at most: the
   * writers take turns). The subscription may report those events before the append's answer is
   * back; they are this instance's own, about to be remembered, so they must not evict the fold
   * (which made the next drive, poll or callback read the whole stream: 1 in 4 under the bench).
   */
  private readonly appending = new Map<string, number>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(PROCESS_CACHE_SIZE) cacheSize?: number,
    @Optional() @Inject(METRICS) metrics?: Metrics,
    @Optional() private readonly events?: RuntimeEvents,
    @Optional() @Inject(TRACING) private readonly tracing: Tracing = noTracing,
  ) {
    this.chainHeads = new ChainHeads(store);
    this.loader = new ProcessLoader(
      store,
      clock,
      this.chainHeads,
      cacheSize ?? DEFAULT_PROCESS_CACHE_SIZE,
    );
    this.appendMetrics = new AppendMetrics(metrics ?? noopMetrics);
  }

  /** The process as the store has it now: the cached fold plus whatever was appended since. */
  load(processId: string): Promise<LoadedProcess> {
    return this.loader.load(processId);
  }

  /** For queries: the cached fold while it is known to be current, else a load. */
  read(processId: string): Promise<LoadedProcess> {
    return this.loader.read(processId);
  }

  /** See ProcessLoader.learn: a delivered stream the drive it causes need not read. */
  learn(processId: string, events: readonly RecordedEvent[]): void {
    this.loader.learn(processId, events);
  }

  /** Told of every event in the store (by the runner's subscription): stale folds are dropped. */
  observe(events: readonly RecordedEvent[]): void {
    this.loader.observe(
      this.appending.size === 0
        ? events
        : events.filter((event) => {
            const processId = processIdOfStream(event.streamId);
            const ours = processId === null ? undefined : this.appending.get(processId);
            // If the append in flight fails instead, it conflicted or is forgotten below.
            return ours === undefined || event.revision > ours;
          }),
    );
    for (const event of events) {
      const processId = processIdOfStream(event.streamId);
      if (processId !== null) this.changes.changed(processId, event.revision);
    }
  }

  /**
   * For long polls and a callback's head start: resolves once the process is past
   * `afterRevision` (an append here, or one elsewhere that the subscription reported), after
   * `timeoutMs`, or when `signal` aborts. Resolves at once when the cached fold is already past
   * it or is not cached (then only a read can tell).
   */
  waitForChange(
    processId: string,
    afterRevision: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.changes.waitPast(
      processId,
      afterRevision,
      timeoutMs,
      () => (this.loader.cachedState(processId)?.revision ?? Infinity) > afterRevision,
      signal,
    );
  }

  /**
   * The cached fold without a read when it is at least at `revision` (the runner's trigger), or
   * when it satisfies `usable`; otherwise a fresh load. For deciding commands, never for
   * answering that something cannot be done.
   */
  loadAtLeast(
    processId: string,
    revision: number,
    usable: (state: ProcessState) => boolean = () => true,
  ): Promise<LoadedProcess> {
    return this.loader.loadAtLeast(processId, revision, usable);
  }

  /**
   * `known`: the state the caller built the command from (to match a token, run a step); the
   * first decision uses it (or the cached fold) instead of reading the stream again. If the
   * stream has moved on since, the append conflicts and the loop re-reads, so a stale `known`
   * costs a retry, never a wrong event.
   *
   * With an Idempotency-Key in the context, every decision is taken on the stream as read, and
   * a stream that records the caller's key already answers `alreadyApplied` instead: the key is
   * judged in the same round as the append it guards, so concurrent or repeated requests with
   * one key, on any instance, are applied once and all get the first one's answer.
   */
  execute(
    processId: string,
    command: ProcessCommand,
    context: CommandContext,
    known?: ProcessState,
  ): Promise<ExecutionResult> {
    // Writers in this instance (the runner, a callback, an operator) take turns per process:
    // each decides on the fold the previous one left, instead of both appending at the same
    // revision and one of them paying for a conflict, a re-read and a second append.
    return this.writers.run(processId, () =>
      this.decideAndAppend(processId, command, context, known),
    );
  }

  private async decideAndAppend(
    processId: string,
    command: ProcessCommand,
    context: CommandContext,
    known?: ProcessState,
  ): Promise<ExecutionResult> {
    // A fold the previous writer here left is at least as new as what the caller knew.
    const cached = this.loader.cachedState(processId);
    let state = known && (!cached || cached.revision <= known.revision) ? known : (cached ?? known);
    let fresh = false;
    const key = context.idempotencyKey;
    if (key !== undefined) state = undefined;
    for (let attempt = 1; ; attempt++) {
      if (state === undefined) {
        const loaded = await this.load(processId);
        state = loaded.state;
        fresh = true;
        if (key !== undefined && appliedWithKey(loaded.events, key, context.actor))
          return { state, appended: 0, alreadyApplied: true };
      }
      let decision: Decision;
      try {
        decision = decide(command, state);
      } catch (refusal) {
        if (fresh || !(refusal instanceof DomainError)) throw refusal;
        state = undefined; // refused on a state that was not read here: read, then decide again
        continue;
      }
      if (decision.events.length === 0) {
        if (!fresh) {
          state = undefined; // refusals and no-ops are only ever decided on a fresh read
          continue;
        }
        if (decision.refusal) throw decision.refusal;
        return { state, appended: 0, answer: decision.answer };
      }
      const at = this.clock.now().toISOString();
      const { idempotencyKey, ...rest } = context;
      const traceparent = this.tracing.current();
      const metadata = {
        at,
        ...rest,
        schemaVersion: EVENT_SCHEMA_VERSION,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        ...(traceparent === undefined ? {} : { traceparent }),
      };
      const toAppend: NewEvent[] = chainEvents(
        processStreamId(processId),
        state.revision + 1,
        await this.chainHeads.headOf(processId, state),
        decision.events.map((e) => ({ type: e.type, data: e.data, metadata })),
      );
      const next = decision.events.reduce((s, e) => evolve(s, e, at), state);
      const timer = timerChange(processId, state, next);
      let recorded: RecordedEvent[] | undefined;
      this.appending.set(processId, state.revision + toAppend.length);
      try {
        const expected = state.revision < 0 ? 'no_stream' : state.revision;
        const append = () =>
          this.appendMetrics.timed(() =>
            this.store.append(processStreamId(processId), toAppend, expected, timer && { timer }),
          );
        // The span's attributes cost a map and a join per append: only build them when traced.
        const result = this.tracing.enabled
          ? await this.tracing.span(
              'append',
              {
                'baton.process_id': processId,
                'baton.events': toAppend.map((e) => e.type).join(','),
              },
              append,
            )
          : await append();
        recorded = result.recorded;
        this.appending.delete(processId);
      } catch (error) {
        this.appending.delete(processId);
        // The append may have committed although the answer was lost: the fold may be behind.
        if (!(error instanceof ConcurrencyError)) this.loader.forget(processId);
        if (error instanceof ConcurrencyError)
          this.events?.emit({ type: 'append-conflict', processId });
        if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
          if (attempt > 1) await jitter(attempt);
          state = undefined;
          continue;
        }
        throw error;
      }
      this.appendMetrics.written(decision.events);
      logLifecycle(next, decision.events, state.revision + 1);
      this.chainHeads.appended(next, toAppend);
      this.loader.remember(processId, state, next, recorded);
      this.changes.changed(processId, next.revision);
      if (decision.refusal) throw decision.refusal;
      return {
        state: next,
        appended: decision.events.length,
        answer: decision.answer,
        lastEventId: recorded?.[recorded.length - 1]?.eventId,
      };
    }
  }
}

/** Spreads retries of contending writers so they do not collide again in lock-step. */
const jitter = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 20)));
