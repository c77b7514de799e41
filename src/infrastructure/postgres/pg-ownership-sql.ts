/** The statements of the ownership session (pg-advisory-ownership.ts). */

/** First key of the two-key advisory locks: one class per kind, fixed for every instance. */
export const PARTITION_CLASS = 0x42a70001;
export const MEMBER_CLASS = 0x42a70002;
export const ROLE_CLASS = 0x42a70003;

/** The lock, and the next epoch only if the lock was granted (a CTE is evaluated once). */
export const TAKE_SQL = `
WITH lock AS (SELECT pg_try_advisory_lock($1, $2) AS ok)
INSERT INTO ownership_epochs (name, epoch) SELECT $3, 1 FROM lock WHERE ok
ON CONFLICT (name) DO UPDATE SET epoch = ownership_epochs.epoch + 1
RETURNING epoch`;

/** Live members: each holds one member lock, on this database. */
export const COUNT_MEMBERS_SQL = `SELECT count(*) AS n FROM pg_locks
  WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
