/**
 * Loads a process by folding its stream and executes commands against it: decide, then append
 * with the revision the decision was based on. On a conflict it re-reads and re-decides; the
 * command carries the step's result, so nothing is executed twice.
 *
 * Folds are cached (FoldedProcessCache): a load reads only the stream's tail. A command may be
 * decided on a cached state without reading at all, because its append carries the expected
 * revision; only a decision that appends nothing (a refusal, a duplicate) is re-taken on a fresh
 * read first, so nobody is ever refused on the strength of a stale cache.
 *
 * Every event appended here carries its link in the stream's hash chain (history/event-chain).
 * The hash of a fold's last event travels with the fold (`chainHeads`), so an append computes
 * its hashes without reading anything.
 */
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ProcessCommand } from '../../domain/process/commands';
import { DomainError } from '../../domain/errors';
import { CallbackAnswer, Decision, decide } from '../../domain/process/decide';
import {
  EVENT_SCHEMA_VERSION,
  ProcessEvent,
  processIdOfStream,
  processStreamId,
} from '../../domain/process/events';
import { ProcessState, evolve, initialProcessState } from '../../domain/process/state';
import { nextWakeAt } from '../../domain/process/timers';
import { readProcessEvent } from '../../domain/process/upcast';
import { shardOf } from '../ownership/partitions';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore, NewEvent, RecordedEvent } from '../ports/event-store';
import { ConcurrencyError } from '../ports/store-errors';
import { chainEvents, chainHeadOf, hashOf } from '../history/event-chain';
import { KeyedMutex } from '../keyed-mutex';
import { countCallbackEvents } from '../observability/callback-metrics';
import { METRICS, Metrics, noopMetrics } from '../ports/metrics';
import { RuntimeEvents } from '../runtime-events';
import { FoldedProcess, FoldedProcessCache } from './folded-process-cache';

export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string | null;
  /** Recorded in the metadata, so a retried request is recognised (see idempotency.ts). */
  idempotencyKey?: string;
}

export interface LoadedProcess {
  state: ProcessState;
  events: RecordedEvent[];
}

export interface ExecutionResult {
  state: ProcessState;
  appended: number;
  answer?: CallbackAnswer;
  /** Id of the last event appended, when the store reported it (the next unit's causation). */
  lastEventId?: string;
}

/** Enough for a burst of 100 concurrent callbacks on one token: each round one append wins. */
const MAX_ATTEMPTS = 200;

/** Processes whose folds stay in memory unless configured otherwise. */
export const DEFAULT_PROCESS_CACHE_SIZE = 1000;
export const PROCESS_CACHE_SIZE = Symbol('ProcessCacheSize');

/**
 * Longest a read trusts a cached fold without asking the store. Everything this instance writes
 * is in the cache at once, and what other instances write evicts the entry as soon as this
 * instance's subscription delivers it; this bound is the backstop for the rest.
 */
export const READ_MAX_AGE_MS = 1000;

/** Stored events as the fold reads them: upcast, or EventNotUnderstood (see upcast.ts). */
export const toProcessEvent = (e: RecordedEvent): ProcessEvent =>
  readProcessEvent(e.type, e.data, e.metadata?.schemaVersion);

const foldOnto = (state: ProcessState, events: RecordedEvent[]): ProcessState =>
  events.reduce((s, e) => evolve(s, toProcessEvent(e), e.metadata.at), state);

export const foldRecorded = (events: RecordedEvent[]): ProcessState =>
  foldOnto(initialProcessState(), events);

@Injectable()
export class ProcessRepository {
  private readonly cache: FoldedProcessCache;
  private readonly writers = new KeyedMutex();
  private readonly metrics: Metrics;
  /**
   * Hash of the last event folded into each state this repository produced (null: that event
   * has none, or there is none). Folds are immutable and replaced on every change, so identity
   * is a safe key, and the entry goes when the fold does.
   */
  private readonly chainHeads = new WeakMap<ProcessState, string | null>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(PROCESS_CACHE_SIZE) cacheSize?: number,
    @Optional() @Inject(METRICS) metrics?: Metrics,
    @Optional() private readonly events?: RuntimeEvents,
  ) {
    this.cache = new FoldedProcessCache(cacheSize ?? DEFAULT_PROCESS_CACHE_SIZE);
    this.metrics = metrics ?? noopMetrics;
  }

  /** The process as the store has it now: the cached fold plus whatever was appended since. */
  async load(processId: string): Promise<LoadedProcess> {
    const cached = this.cache.get(processId);
    const streamId = processStreamId(processId);
    const checkedAt = this.clock.now().getTime();
    if (cached === undefined) {
      const events = await this.store.readStream(streamId);
      const loaded = { state: this.folded(foldRecorded(events), events), events, checkedAt };
      this.cache.offer(processId, loaded);
      return loaded;
    }
    const fromRevision = cached.state.revision + 1;
    const tail = await this.store.readStream(streamId, { fromRevision });
    let loaded: FoldedProcess;
    if (tail.length === 0) loaded = { ...cached, checkedAt };
    else {
      const events = [...cached.events, ...tail];
      loaded = { state: this.folded(foldOnto(cached.state, tail), events), events, checkedAt };
    }
    this.cache.offer(processId, loaded);
    return loaded;
  }

  /**
   * For queries: the cached fold while it is known to be current, else a load. Current means
   * every event this instance appended is in it (appends update it before they are answered)
   * and no event from elsewhere has been seen past it (see `observe`), checked by the store
   * within READ_MAX_AGE_MS.
   */
  async read(processId: string): Promise<LoadedProcess> {
    const cached = this.cache.get(processId);
    if (cached && this.clock.now().getTime() - cached.checkedAt < READ_MAX_AGE_MS) return cached;
    return this.load(processId);
  }

  /** Told of every event in the store (by the runner's subscription): stale folds are dropped. */
  observe(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      const processId = processIdOfStream(event.streamId);
      if (processId !== null) this.cache.forgetIfBehind(processId, event.revision);
    }
  }

  /**
   * The cached fold without a read when it is at least at `revision` (the runner's trigger), or
   * when it satisfies `usable`; otherwise a fresh load. For deciding commands, never for
   * answering that something cannot be done.
   */
  async loadAtLeast(
    processId: string,
    revision: number,
    usable: (state: ProcessState) => boolean = () => true,
  ): Promise<LoadedProcess> {
    const cached = this.cache.get(processId);
    if (cached && cached.state.revision >= revision && usable(cached.state)) return cached;
    return this.load(processId);
  }

  /**
   * `known`: the state the caller built the command from (to match a token, run a step); the
   * first decision uses it (or the cached fold) instead of reading the stream again. If the
   * stream has moved on since, the append conflicts and the loop re-reads, so a stale `known`
   * costs a retry, never a wrong event.
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

  /**
   * `execute` for a client's command: when the request carries an Idempotency-Key that an
   * event of the process already records, it was applied before and is not applied again.
   */
  async executeOnce(
    processId: string,
    command: ProcessCommand,
    context: CommandContext,
  ): Promise<ExecutionResult | undefined> {
    const key = context.idempotencyKey;
    if (key !== undefined) {
      const { events } = await this.load(processId);
      if (events.some((event) => event.metadata.idempotencyKey === key)) return undefined;
    }
    return this.execute(processId, command, context);
  }

  private async decideAndAppend(
    processId: string,
    command: ProcessCommand,
    context: CommandContext,
    known?: ProcessState,
  ): Promise<ExecutionResult> {
    // A fold the previous writer here left is at least as new as what the caller knew.
    const cached = this.cache.get(processId)?.state;
    let state = known && (!cached || cached.revision <= known.revision) ? known : (cached ?? known);
    let fresh = false;
    for (let attempt = 1; ; attempt++) {
      if (state === undefined) {
        state = (await this.load(processId)).state;
        fresh = true;
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
      const metadata = {
        at,
        ...rest,
        schemaVersion: EVENT_SCHEMA_VERSION,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      };
      const toAppend: NewEvent[] = chainEvents(
        processStreamId(processId),
        state.revision + 1,
        await this.chainHead(processId, state),
        decision.events.map((e) => ({ type: e.type, data: e.data, metadata })),
      );
      const next = decision.events.reduce((s, e) => evolve(s, e, at), state);
      // The timer changes with the events that change it, in the same transaction.
      const dueAt = nextWakeAt(next);
      const timer = dueAt === nextWakeAt(state) ? undefined : { dueAt, shard: shardOf(processId) };
      let recorded: RecordedEvent[] | undefined;
      const appendStarted = performance.now();
      try {
        const result = await this.store.append(
          processStreamId(processId),
          toAppend,
          state.revision < 0 ? 'no_stream' : state.revision,
          timer && { timer },
        );
        recorded = result.recorded;
        this.metrics.appendFinished('ok', performance.now() - appendStarted);
      } catch (error) {
        const outcome = error instanceof ConcurrencyError ? 'conflict' : 'error';
        this.metrics.appendFinished(outcome, performance.now() - appendStarted);
        // The append may have committed although the answer was lost: the fold may be behind.
        if (!(error instanceof ConcurrencyError)) this.cache.forget(processId);
        if (error instanceof ConcurrencyError)
          this.events?.emit({ type: 'append-conflict', processId });
        if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
          if (attempt > 1) await jitter(attempt);
          state = undefined;
          continue;
        }
        throw error;
      }
      countCallbackEvents(this.metrics, decision.events);
      this.chainHeads.set(next, hashOf(toAppend[toAppend.length - 1]));
      this.remember(processId, state, next, recorded);
      if (decision.refusal) throw decision.refusal;
      return {
        state: next,
        appended: decision.events.length,
        answer: decision.answer,
        lastEventId: recorded?.[recorded.length - 1]?.eventId,
      };
    }
  }

  /** Records the chain head of a fold of `events` (the whole stream, from revision 0). */
  private folded(state: ProcessState, events: readonly RecordedEvent[]): ProcessState {
    if (events.length > 0) this.chainHeads.set(state, chainHeadOf(events));
    return state;
  }

  /**
   * The hash the next event links to. Known for every fold this repository made; a state from
   * elsewhere costs one read of its last event (if the stream moved on meanwhile, the append
   * conflicts anyway and is decided again on a fresh fold).
   */
  private async chainHead(processId: string, state: ProcessState): Promise<string | null> {
    if (state.revision < 0) return null;
    const known = this.chainHeads.get(state);
    if (known !== undefined) return known;
    const stream = processStreamId(processId);
    const [atRevision] = await this.store.readStream(stream, { fromRevision: state.revision });
    if (atRevision === undefined) return null;
    if (atRevision.metadata.hashVersion !== undefined) return hashOf(atRevision);
    // A stream written before events were hashed in place: sealed by the hash of its content.
    const events = await this.store.readStream(stream);
    return chainHeadOf(events.filter((event) => event.revision <= state.revision));
  }

  /** Extends the cached fold with an append the store confirmed, if it continues that fold. */
  private remember(
    processId: string,
    before: ProcessState,
    after: ProcessState,
    recorded: RecordedEvent[] | undefined,
  ): void {
    const cached: FoldedProcess | undefined =
      before.revision < 0 ? { state: before, events: [], checkedAt: 0 } : this.cache.get(processId);
    if (
      recorded === undefined ||
      cached === undefined ||
      cached.state.revision !== before.revision
    ) {
      // The cache cannot follow this append: drop it rather than let a read miss the append.
      this.cache.forget(processId);
      return;
    }
    this.cache.offer(processId, {
      state: after,
      events: [...cached.events, ...recorded],
      checkedAt: this.clock.now().getTime(),
    });
  }
}

/** Spreads retries of contending writers so they do not collide again in lock-step. */
const jitter = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 20)));
