/**
 * An in-memory stand-in for EventStoreDB behind the adapter's narrow client interface, for
 * tests that need no server. It copies the behaviour the adapter relies on, as documented by
 * EventStoreDB and its Node client: one log in commit order whose positions are byte offsets
 * (commit = prepare, increasing, not consecutive, not starting at 0); expected revisions checked
 * on append with the client's own WrongExpectedVersionError; StreamNotFoundError when reading a
 * stream that does not exist; forward reads of $all that include the event at `fromPosition`;
 * catch-up subscriptions that start after it, filtered by stream-name prefix, then follow live.
 * It also lets a test inject failures. It proves the adapter's logic, not EventStoreDB's.
 */
import {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  AppendResult,
  ANY,
  BACKWARDS,
  EventData,
  NO_STREAM,
  Position,
  START,
  END,
  STREAM_EXISTS,
  StreamNotFoundError,
  SubscribeToAllOptions,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  EsdbAllSubscription,
  EsdbClient,
  FilteredReadAllOptions,
} from '../../src/infrastructure/eventstoredb/esdb-client';

interface StoredRecord {
  streamId: string;
  revision: number;
  position: number;
  id: string;
  type: string;
  isJson: boolean;
  data: string;
  metadata: string;
}

type Method = 'appendToStream' | 'readStream' | 'readAllFiltered' | 'subscribe';

/** Where the first record lands: EventStoreDB's own records come first in a new database. */
const FIRST_POSITION = 4_096;

export class FakeEsdbClient implements EsdbClient {
  readonly log: StoredRecord[] = [];
  readonly subscribeCalls: SubscribeToAllOptions[] = [];
  readonly readAllCalls: FilteredReadAllOptions[] = [];
  readonly openSubscriptions = new Set<FakeSubscription>();
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly failures: Array<{ method: Method; error: unknown }> = [];
  private nextPosition = FIRST_POSITION;
  private wake: () => void = () => undefined;
  private changed = this.newChange();

  /** The next call of `method` fails with `error` (subscriptions: on their first pull). */
  failNext(method: Method, error: unknown): void {
    this.failures.push({ method, error });
  }

  /** Every open subscription's next pull rejects, as when the server goes away. */
  breakSubscriptions(error: unknown): void {
    for (const subscription of this.openSubscriptions) subscription.brokenBy = error;
    this.notify();
  }

  /** Writes a record as another tool or EventStoreDB itself would (any type, binary or JSON). */
  writeRaw(streamId: string, type: string, data: string, isJson = true): void {
    this.store(streamId, [{ id: `raw-${this.log.length}`, type, isJson, data, metadata: '' }]);
  }

  async appendToStream(
    streamName: string,
    events: EventData[],
    options: { expectedRevision?: AppendExpectedRevision },
  ): Promise<AppendResult> {
    await Promise.resolve(); // a round trip: concurrent appends interleave here, as they would
    this.throwInjected('appendToStream');
    const current = (this.streams.get(streamName)?.length ?? 0) - 1;
    const expected = options.expectedRevision ?? ANY;
    const holds =
      expected === ANY ||
      (expected === NO_STREAM && current < 0) ||
      (expected === STREAM_EXISTS && current >= 0) ||
      (typeof expected === 'bigint' && expected === BigInt(current));
    if (!holds) {
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected,
        current: current < 0 ? NO_STREAM : BigInt(current),
      });
    }
    const stored = this.store(
      streamName,
      events.map((event) => ({
        id: event.id,
        type: event.type,
        isJson: event.contentType === 'application/json',
        data: JSON.stringify(event.data),
        metadata: event.metadata === undefined ? '' : JSON.stringify(event.metadata),
      })),
    );
    const last = stored[stored.length - 1];
    const at = BigInt(last.position);
    return {
      success: true,
      nextExpectedRevision: BigInt(last.revision),
      position: { commit: at, prepare: at },
    };
  }

  async *readStream(
    streamName: string,
    options: { fromRevision?: bigint | typeof START | typeof END; maxCount?: number | bigint },
  ): AsyncGenerator<AllStreamResolvedEvent> {
    this.throwInjected('readStream');
    const stream = this.streams.get(streamName);
    if (stream === undefined) throw new StreamNotFoundError(undefined, streamName);
    const from = typeof options.fromRevision === 'bigint' ? Number(options.fromRevision) : 0;
    const count = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    for (const record of stream.slice(from, from + count)) yield resolved(record);
  }

  async *readAllFiltered(options: FilteredReadAllOptions): AsyncGenerator<AllStreamResolvedEvent> {
    this.readAllCalls.push(options);
    this.throwInjected('readAllFiltered');
    const matching = this.log.filter((r) => matches(r, options.streamPrefixes));
    const ordered = options.direction === BACKWARDS ? [...matching].reverse() : matching;
    const from = options.fromPosition;
    const start =
      from === START || from === END
        ? ordered
        : ordered.filter((r) => r.position >= Number(from.commit));
    for (const record of start.slice(0, options.maxCount)) yield resolved(record);
  }

  subscribeToAll(options: SubscribeToAllOptions): EsdbAllSubscription {
    this.subscribeCalls.push(options);
    const injected = this.failures.findIndex((f) => f.method === 'subscribe');
    const from = options.fromPosition;
    const after =
      from === undefined || from === START
        ? 0
        : from === END
          ? (this.log[this.log.length - 1]?.position ?? 0)
          : Number(from.commit);
    const subscription = new FakeSubscription(this, after, prefixesOf(options));
    if (injected >= 0) subscription.brokenBy = this.failures.splice(injected, 1)[0].error;
    this.openSubscriptions.add(subscription);
    return subscription;
  }

  /** @internal for FakeSubscription */
  firstAfter(position: number, prefixes: string[]): StoredRecord | undefined {
    return this.log.find((r) => r.position > position && matches(r, prefixes));
  }

  /** @internal for FakeSubscription: resolves on the next append, break or unsubscribe. */
  nextChange(): Promise<void> {
    return this.changed;
  }

  notify(): void {
    const wake = this.wake;
    this.changed = this.newChange();
    wake();
  }

  private newChange(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private store(
    streamId: string,
    records: Array<Omit<StoredRecord, 'streamId' | 'revision' | 'position'>>,
  ) {
    const stream = this.streams.get(streamId) ?? [];
    const stored = records.map((record) => {
      const full = { ...record, streamId, revision: stream.length, position: this.nextPosition };
      // Positions are byte offsets: the next record starts after this one's bytes.
      this.nextPosition += 120 + record.data.length + record.metadata.length;
      stream.push(full);
      this.log.push(full);
      return full;
    });
    this.streams.set(streamId, stream);
    this.notify();
    return stored;
  }

  private throwInjected(method: Method): void {
    const index = this.failures.findIndex((f) => f.method === method);
    if (index >= 0) throw this.failures.splice(index, 1)[0].error;
  }
}

class FakeSubscription implements EsdbAllSubscription {
  brokenBy: unknown;
  private closed = false;

  constructor(
    private readonly client: FakeEsdbClient,
    private cursor: number,
    private readonly prefixes: string[],
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<AllStreamResolvedEvent> {
    return { next: () => this.next() };
  }

  async unsubscribe(): Promise<void> {
    this.closed = true;
    this.client.openSubscriptions.delete(this);
    this.client.notify();
  }

  private async next(): Promise<IteratorResult<AllStreamResolvedEvent>> {
    for (;;) {
      if (this.brokenBy !== undefined) throw this.brokenBy;
      if (this.closed) return { done: true, value: undefined };
      const record = this.client.firstAfter(this.cursor, this.prefixes);
      if (record !== undefined) {
        this.cursor = record.position;
        return { done: false, value: resolved(record) };
      }
      await this.client.nextChange();
    }
  }
}

function resolved(record: StoredRecord): AllStreamResolvedEvent {
  const position: Position = { commit: BigInt(record.position), prepare: BigInt(record.position) };
  const event = {
    streamId: record.streamId,
    id: record.id,
    revision: BigInt(record.revision),
    type: record.type,
    created: new Date(0),
    position,
    // The client parses JSON data and metadata; metadata that is not JSON stays bytes.
    isJson: record.isJson,
    data: record.isJson ? JSON.parse(record.data) : Buffer.from(record.data),
    metadata: record.metadata === '' ? undefined : JSON.parse(record.metadata),
  };
  return { event, commitPosition: position.commit } as AllStreamResolvedEvent;
}

const matches = (record: StoredRecord, prefixes: string[]): boolean =>
  prefixes.some((prefix) => record.streamId.startsWith(prefix));

function prefixesOf(options: SubscribeToAllOptions): string[] {
  const filter = options.filter as { prefixes?: string[] } | undefined;
  return filter?.prefixes ?? [''];
}
