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
 * xmin, so nothing can ever appear below a position a follower has already passed. One append is
 * one transaction, which is why at most 1000 events fit in one append.
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
 * Check the expected revision, number and insert the events: one statement in its own
 * transaction. The check reads committed rows; two writers that both pass it collide on the
 * (stream_id, revision) unique key, and the later one gets a unique violation (a conflict).
 * Returns the stream's revision before the append and, if it inserted, the last revision and
 * position; a failed expectation inserts nothing and returns NULLs for those.
 */
export const APPEND_SQL = `
WITH head AS (
  SELECT coalesce(max(revision), -1) AS revision FROM events WHERE stream_id = $1
), inserted AS (
  INSERT INTO events (${EVENT_COLUMNS})
  SELECT b.base + pg_current_xact_id()::text::bigint * ${POSITIONS_PER_TRANSACTION} + e.n - 1,
         (e.event->>'id')::uuid, $1, h.revision + e.n, e.event->>'type',
         e.event->'data', e.event->'metadata'
  FROM head h, events_position_base b,
       jsonb_array_elements($3::jsonb) WITH ORDINALITY AS e(event, n)
  WHERE $2::int = ${EXPECT_ANY} OR h.revision = $2::int
  RETURNING revision, position
)
SELECT (SELECT revision FROM head) AS previous,
       (SELECT max(revision) FROM inserted) AS last_revision,
       (SELECT max(position) FROM inserted) AS last_position`;

export const READ_STREAM_SQL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`;

export const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE position > $1 AND position < ${READABLE_BELOW} ORDER BY position LIMIT $2`;

/**
 * A follower's read: the page, plus the newest committed position. When that is beyond what the
 * page could deliver, a transaction still in flight holds later commits back, and the follower
 * should look again in a moment instead of waiting for the next notification.
 */
export const FOLLOW_SQL = `
WITH bound AS (SELECT ${READABLE_BELOW} AS below)
SELECT e.*, (SELECT max(position) FROM events) AS newest
FROM bound LEFT JOIN LATERAL (
  SELECT ${EVENT_COLUMNS} FROM events
  WHERE position > $1 AND position < bound.below ORDER BY position LIMIT $2
) e ON true`;

export const HEAD_POSITION_SQL = `SELECT position FROM events
  WHERE position < ${READABLE_BELOW} ORDER BY position DESC LIMIT 1`;
