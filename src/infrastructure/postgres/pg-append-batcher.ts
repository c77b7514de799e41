/**
 * Group commit for appends. Appends that arrive while earlier ones are being written go to
 * PostgreSQL together, as one statement (one round trip, one commit, one fsync), each with its
 * own expected revision: a stream whose expectation fails gets nothing written and hears so,
 * the others are written. Alone, an append goes out at once, so batching adds no latency; under
 * load it divides the statements, commits and wake-ups per append by the batch size.
 *
 * A batch never holds two appends to one stream, nor a stream already being written: the later
 * append must see the earlier one's outcome. If a batch fails for any reason but an outage (a
 * writer outside this batcher took a revision between the check and the insert, a deadlock with
 * another instance, data PostgreSQL refuses), its appends are retried one by one so that only
 * the stream concerned hears of it.
 */
import { Pool } from 'pg';
import { MAX_EVENTS_PER_APPEND } from '../../application/ports/event-store';
import { query } from './pg-client';
import { isUnavailableError } from './pg-errors';
import { BATCH_APPEND_SQL } from './pg-event-sql';
import { toPosition } from './pg-event-rows';

/** Batches being written at once; a stream is only ever in one of them. */
const MAX_IN_FLIGHT = 2;

export type AppendOutcome =
  | { written: true; lastRevision: number; lastPosition: number }
  | { written: false; previous: number; fenced: boolean };

interface PendingAppend {
  streamId: string;
  /** A revision, -1 for no stream, -2 for any (see pg-event-sql.ts). */
  expectation: number;
  count: number;
  /** The events as a JSON array, serialised once. */
  eventsJson: string;
  /** `{"d": due time or null, "k": shard}` when the append sets or clears the stream's timer. */
  timerJson: string | undefined;
  /** `{"n": fence name, "v": epoch}` when the writer must still own the work (pg-event-sql.ts). */
  fenceJson: string | undefined;
  resolve(outcome: AppendOutcome): void;
  /** Anything thrown (not necessarily an Error of this realm: socket errors under Jest are not). */
  reject(error: unknown): void;
}

interface BatchRow {
  stream_id: string;
  previous: number;
  fenced: boolean;
  last_revision: number | null;
  last_position: string | null;
}

export class PgAppendBatcher {
  private readonly queue: PendingAppend[] = [];
  private readonly streamsInFlight = new Set<string>();
  private inFlight = 0;

  constructor(private readonly pool: Pool) {}

  submit(
    streamId: string,
    expectation: number,
    count: number,
    eventsJson: string,
    timerJson?: string,
    fenceJson?: string,
  ): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        streamId,
        expectation,
        count,
        eventsJson,
        timerJson,
        fenceJson,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.inFlight += 1;
      for (const append of batch) this.streamsInFlight.add(append.streamId);
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        for (const append of batch) this.streamsInFlight.delete(append.streamId);
        this.pump();
      });
    }
  }

  /** The oldest waiting appends that can go together, in arrival order. */
  private takeBatch(): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length;) {
      const append = this.queue[i];
      const fits = events + append.count <= MAX_EVENTS_PER_APPEND;
      if (!fits) break;
      if (streams.has(append.streamId) || this.streamsInFlight.has(append.streamId)) {
        i += 1;
        continue;
      }
      batch.push(append);
      streams.add(append.streamId);
      events += append.count;
      this.queue.splice(i, 1);
    }
    return batch;
  }

  private async write(batch: PendingAppend[]): Promise<void> {
    try {
      const outcomes = await this.run(batch);
      batch.forEach((append, index) => append.resolve(outcomes[index]));
    } catch (error) {
      // One append's trouble (a revision taken by another writer, a deadlock with another
      // instance's batch, data PostgreSQL refuses) must not fail the others: go one by one.
      if (batch.length > 1 && !isUnavailableError(error)) {
        for (const append of batch) await this.write([append]);
        return;
      }
      for (const append of batch) append.reject(error);
    }
  }

  private async run(batch: PendingAppend[]): Promise<AppendOutcome[]> {
    let offset = 0;
    // Streams in one order in every batch of every instance, so two batches cannot each wait
    // for a revision the other has inserted.
    const ordered = [...batch].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
    const requests = ordered.map((append) => {
      const timer = append.timerJson === undefined ? '' : `,"t":${append.timerJson}`;
      const fence = append.fenceJson === undefined ? '' : `,"f":${append.fenceJson}`;
      const request = `{"s":${JSON.stringify(append.streamId)},"x":${append.expectation},"o":${offset},"e":${append.eventsJson}${timer}${fence}}`;
      offset += append.count;
      return request;
    });
    const { rows } = await query<BatchRow>(this.pool, {
      name: 'baton_append_batch',
      text: BATCH_APPEND_SQL,
      values: [`[${requests.join(',')}]`],
    });
    const byStream = new Map(rows.map((row) => [row.stream_id, row]));
    return batch.map((append): AppendOutcome => {
      const row = byStream.get(append.streamId);
      if (!row) throw new Error(`the batch append returned nothing for ${append.streamId}`);
      return row.last_revision === null || row.last_position === null
        ? { written: false, previous: row.previous, fenced: row.fenced }
        : {
            written: true,
            lastRevision: row.last_revision,
            lastPosition: toPosition(row.last_position),
          };
    });
  }
}
