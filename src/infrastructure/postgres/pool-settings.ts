/**
 * How the service connects: bounded waits everywhere (a hung database answers 503 instead of
 * hanging requests), and the isolation level pinned, because the append's revision check and
 * the followers' reads are written for READ COMMITTED whatever the database's default is.
 */
import { PoolConfig } from 'pg';

export interface PoolTimeouts {
  pgConnectTimeoutMs: number;
  pgStatementTimeoutMs: number;
  pgLockTimeoutMs: number;
}

/** Connections in the pool when not told (PG_POOL_SIZE); the ownership session is one more. */
const POOL_SIZE = 20;

export const poolSettings = (
  connectionString: string,
  timeouts: PoolTimeouts,
  size: number = POOL_SIZE,
): PoolConfig => ({
  connectionString,
  max: size,
  connectionTimeoutMillis: timeouts.pgConnectTimeoutMs,
  statement_timeout: timeouts.pgStatementTimeoutMs,
  lock_timeout: timeouts.pgLockTimeoutMs,
  // A client-side bound too: a server that stops answering mid-statement (host gone) is noticed.
  query_timeout: timeouts.pgStatementTimeoutMs + 5000,
  idle_in_transaction_session_timeout: timeouts.pgStatementTimeoutMs,
  options: '-c default_transaction_isolation=read\\ committed',
  keepAlive: true,
});
