/**
 * The event store's statements. Each is a single statement, so an append or a read is one round
 * trip and never holds a lock while the client is busy.
 *
 * Global order without a shared lock: an event's position is
 *   base + (id of the transaction that wrote it) * 1000 + (index within the append).
 * Transaction ids are handed out in start order, not commit order, so a follower must not read
 * past a transaction that is still running: it reads only positions below
 *   base + xmin * 1000,
 * where xmin (pg_snapshot_xmin of the current snapshot) is the oldest transaction id still in
 * flight. Every transaction below xmin has finished, and every later writer gets an id of at least
 * xmin, so nothing can ever appear below a position a follower has already passed. A batch of
 * appends is one transaction (see PgAppendBatcher), which is why at most 1000 events fit in one
 * batch, and so in one append.
 */
import { MAX_EVENTS_PER_APPEND } from '../../application/ports/event-store';

export const POSITIONS_PER_TRANSACTION = MAX_EVENTS_PER_APPEND;

/** Columns of the `events` table (migration 1), in the order every query uses. */
export const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata';

/** Positions below this are final: no transaction that could still write below it is running. */
const READABLE_BELOW = `(SELECT base FROM events_position_base)
  + pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${POSITIONS_PER_TRANSACTION}`;

/** `$2` encodes the expectation: a revision, -1 for no stream, -2 for any. */
export const EXPECT_NO_STREAM = -1;
export const EXPECT_ANY = -2;

/**
 * Appends to one or more streams in one statement and transaction (see PgAppendBatcher). `$1`
 * is a JSON array of {s: stream, x: expectation, o: offset of its first event within the batch,
 * e: events}. Per stream: check the expected revision against committed rows, then number and
 * insert its events; a stream whose expectation fails gets nothing. Two writers that both pass
 * the check collide on the (stream_id, revision) unique key, and the later one gets a unique
 * violation (a conflict). The batch's positions share one transaction id, so each append's
 * offset keeps them unique and each append contiguous. One row per stream comes back: its
 * revision before, and (NULL when nothing was written) its last revision and position.
 * A request may carry `t` ({d: due time or null, k: shard}): the stream's durable timer is set
 * or cleared in the same statement, when its events are written.
 * A request may carry `f` ({n: fence name, v: epoch}), when the runner writes as the owner of a
 * partition: it is written only while that epoch is current (migration 4). The epoch rows are
 * share-locked, so a takeover (which raises the epoch) waits for a write already under way, and
 * a write that reaches the row after the takeover sees the new epoch and writes nothing;
 * `fenced` says so. Appends without a fence (API commands) never touch the table.
 */
export const BATCH_APPEND_SQL = `
WITH raw AS (
  SELECT r.s AS stream_id, r.x AS expectation, r.o AS first_index, r.e AS events, r.t AS timer,
         r.f->>'n' AS fence, (r.f->>'v')::bigint AS epoch,
         (SELECT coalesce(max(revision), -1) FROM events WHERE stream_id = r.s) AS previous
  FROM jsonb_to_recordset($1::jsonb) AS r(s text, x int, o int, e jsonb, t jsonb, f jsonb)
), current_fence AS (
  SELECT o.name, o.epoch FROM ownership_epochs o
  WHERE o.name IN (SELECT fence FROM raw WHERE fence IS NOT NULL)
  FOR SHARE
), request AS (
  SELECT raw.*, (raw.fence IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM current_fence c WHERE c.name = raw.fence AND c.epoch = raw.epoch))
           AS fenced
  FROM raw
), allowed AS (
  SELECT * FROM request q
  WHERE NOT q.fenced AND (q.expectation = ${EXPECT_ANY} OR q.previous = q.expectation)
), timer_set AS (
  INSERT INTO stream_timers (stream_id, shard, due_at, attempts)
  SELECT q.stream_id, (q.timer->>'k')::int, (q.timer->>'d')::timestamptz, 0 FROM allowed q
  WHERE q.timer->>'d' IS NOT NULL
  ON CONFLICT (stream_id) DO UPDATE SET due_at = EXCLUDED.due_at, attempts = 0
), timer_cleared AS (
  DELETE FROM stream_timers t USING allowed q
  WHERE t.stream_id = q.stream_id AND q.timer IS NOT NULL AND q.timer->>'d' IS NULL
), inserted AS (
  INSERT INTO events (${EVENT_COLUMNS})
  SELECT b.base + pg_current_xact_id()::text::bigint * ${POSITIONS_PER_TRANSACTION}
           + q.first_index + e.n - 1,
         (e.event->>'id')::uuid, q.stream_id, q.previous + e.n, e.event->>'type',
         e.event->'data', e.event->'metadata'
  FROM allowed q, events_position_base b,
       jsonb_array_elements(q.events) WITH ORDINALITY AS e(event, n)
  RETURNING stream_id, revision, position
)
SELECT q.stream_id, q.previous, q.fenced, max(i.revision) AS last_revision,
       max(i.position) AS last_position
FROM request q LEFT JOIN inserted i ON i.stream_id = q.stream_id
GROUP BY q.stream_id, q.previous, q.fenced`;

export const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`;

/**
 * A read of the global order (readAll and followers alike): the page, plus the newest committed
 * position. When that is beyond what the
 * page could deliver, a transaction still in flight holds later commits back, and the follower
 * should look again in a moment instead of waiting for the next notification.
 *
 * The page is cut at `$2` rows in position order first and at the bound after: the same rows
 * (positions ascend, so those below the bound come first), but the planner walks the primary
 * key and stops after `$2` rows. With the bound inside the scan, and no statistics yet (a store
 * just filled), it could not estimate how many rows pass it and chose to fetch every event
 * after `$1` and sort them (on disk): a rebuild,
 * or a follower thousands of events behind a burst, paid for the whole rest of the store on
 * every page (190 ms instead of 5 ms for 5,000 of 39,000 events; seconds at a million).
 */
const followSql = (columns: string) => `
WITH bound AS (SELECT ${READABLE_BELOW} AS below)
SELECT e.*, (SELECT max(position) FROM events) AS newest
FROM bound LEFT JOIN LATERAL (
  SELECT * FROM (
    SELECT ${columns} FROM events WHERE position > $1 ORDER BY position LIMIT $2
  ) page WHERE page.position < bound.below
) e ON true`;

export const FOLLOW_SQL = followSql(EVENT_COLUMNS);

/**
 * The same read with only the metadata fields every event has, each as a column of its own
 * (ReadAllOptions.metadata `core`, a rebuild's read): PostgreSQL no longer writes, and Node no
 * longer parses, each event's metadata as JSON (its hash and trace context are a third of it).
 */
export const FOLLOW_CORE_SQL = followSql(`position, event_id, stream_id, revision, type, data,
  metadata->>'at' AS at, metadata->>'actor' AS actor,
  metadata->>'correlationId' AS correlation_id, metadata->>'causationId' AS causation_id,
  (metadata->>'schemaVersion')::int AS schema_version`);

export const HEAD_POSITION_SQL = `SELECT position FROM events
  WHERE position < ${READABLE_BELOW} ORDER BY position DESC LIMIT 1`;
