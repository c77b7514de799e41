/**
 * Loads processes for the write side and its queries: the cached fold (FoldedProcessCache)
 * plus whatever the stream gained since, so a load usually reads only an empty tail. It owns
 * the cache: what the repository appends is offered here (`remember`) before it is answered,
 * and what other instances append evicts the entry when the subscription reports it.
 */
import { processIdOfStream, processStreamId } from '../../domain/process/events';
import { ProcessState, initialProcessState } from '../../domain/process/state';
import { FoldedProcess, FoldedProcessCache } from '../folding/folded-process-cache';
import { foldOnto, foldRecorded } from '../folding/recorded-events';
import { Clock } from '../ports/clock';
import { EventStore, RecordedEvent } from '../ports/event-store';
import { ChainHeads } from './chain-heads';

export interface LoadedProcess {
  state: ProcessState;
  events: RecordedEvent[];
}

/**
 * Longest a read trusts a cached fold without asking the store. Everything this instance writes
 * is in the cache at once, and what other instances write evicts the entry as soon as this
 * instance's subscription delivers it; this bound is the backstop for the rest.
 */
export const READ_MAX_AGE_MS = 1000;

export class ProcessLoader {
  private readonly cache: FoldedProcessCache;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly chainHeads: ChainHeads,
    cacheSize: number,
  ) {
    this.cache = new FoldedProcessCache(cacheSize);
  }

  /** The process as the store has it now: the cached fold plus whatever was appended since. */
  async load(processId: string): Promise<LoadedProcess> {
    const cached = this.cache.get(processId);
    const streamId = processStreamId(processId);
    const checkedAt = this.clock.now().getTime();
    if (cached === undefined) {
      const events = await this.store.readStream(streamId);
      const state = this.chainHeads.folded(foldRecorded(events), events);
      const loaded = { state, events, checkedAt };
      this.cache.offer(processId, loaded);
      return loaded;
    }
    const fromRevision = cached.state.revision + 1;
    const tail = await this.store.readStream(streamId, { fromRevision });
    let loaded: FoldedProcess;
    if (tail.length === 0) loaded = { ...cached, checkedAt };
    else {
      const events = [...cached.events, ...tail];
      const state = this.chainHeads.folded(foldOnto(cached.state, tail), events);
      loaded = { state, events, checkedAt };
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
   * Events of one process just delivered by the runner's subscription, in revision order, for a
   * partition this instance drives: the drive they cause would read the stream; when they make a
   * whole stream (from revision 0) or continue the cached fold without a gap, the fold is kept
   * instead and that drive needs no read. Call before `observe`. `checkedAt` stays as it was (0
   * for a new entry): queries still ask the store before trusting it.
   */
  learn(processId: string, events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const cached = this.cache.get(processId);
    const from = cached === undefined ? 0 : cached.state.revision + 1;
    if (events[0].revision > from) return; // a gap: the drive reads the stream
    const fresh = events.filter((event) => event.revision >= from);
    if (fresh.length === 0) return; // nothing the fold lacks
    for (let i = 0; i < fresh.length; i++) if (fresh[i].revision !== from + i) return;
    const all = cached === undefined ? fresh : [...cached.events, ...fresh];
    let state: ProcessState;
    try {
      state = foldOnto(cached?.state ?? initialProcessState(), fresh);
    } catch {
      return; // the drive's own load meets the same event and reports it where it is handled
    }
    this.cache.offer(processId, {
      state: this.chainHeads.folded(state, all),
      events: all,
      checkedAt: cached?.checkedAt ?? 0,
    });
  }

  /**
   * The cached fold without a read when it is at least at `revision`, or when it satisfies
   * `usable`; otherwise a fresh load.
   */
  async loadAtLeast(
    processId: string,
    revision: number,
    usable: (state: ProcessState) => boolean,
  ): Promise<LoadedProcess> {
    const cached = this.cache.get(processId);
    if (cached && cached.state.revision >= revision && usable(cached.state)) return cached;
    return this.load(processId);
  }

  /** The cached fold's state, if any (the state the previous writer here left). */
  cachedState(processId: string): ProcessState | undefined {
    return this.cache.get(processId)?.state;
  }

  /** The append's answer was lost: it may have committed, so the fold may be behind. */
  forget(processId: string): void {
    this.cache.forget(processId);
  }

  /** Extends the cached fold with an append the store confirmed, if it continues that fold. */
  remember(
    processId: string,
    before: ProcessState,
    after: ProcessState,
    recorded: RecordedEvent[] | undefined,
  ): void {
    const held = this.cache.get(processId);
    // The runner's subscription may have delivered this very append first (learn): the fold
    // already ends with it, and the store has just confirmed it.
    const last = recorded?.[recorded.length - 1];
    if (
      held !== undefined &&
      last !== undefined &&
      held.state.revision === after.revision &&
      held.events[held.events.length - 1]?.eventId === last.eventId
    ) {
      this.cache.offer(processId, { ...held, checkedAt: this.clock.now().getTime() });
      return;
    }
    const cached: FoldedProcess | undefined =
      before.revision < 0 ? { state: before, events: [], checkedAt: 0 } : held;
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
