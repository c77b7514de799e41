import { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { markNotSent } from './pg-errors';

/**
 * Checks a client out of the pool with `onError` already listening when it is handed over.
 *
 * Not `await pool.connect()` followed by `client.on('error')`: the pool removes its own idle
 * 'error' listener when it hands a client over, and a NEW client is handed over from inside the
 * socket read that brought its start-up's ReadyForQuery, while the promise resumes its awaiter
 * only after that read has been parsed to the end. When the same read also carries an
 * ErrorResponse (a server shutting down sends every session "terminating connection due to
 * administrator command" as soon as it is idle), node-postgres emits 'error' on a client with
 * no listener: an uncaught exception that kills the process (and failed an outage test in CI).
 * pg-pool calls a connect callback synchronously on hand-over, so attaching there leaves no gap.
 */
export function checkOut(pool: Pool, onError: (error: Error) => void): Promise<PoolClient> {
  return new Promise((resolve, reject) => {
    pool.connect((error, client) => {
      if (client === undefined) {
        reject(markNotSent(error ?? new Error('the pool handed over no client')));
        return;
      }
      client.on('error', onError);
      resolve(client);
    });
  });
}

/**
 * Runs `work` on a client checked out of the pool.
 *
 * node-postgres emits 'error' on a checked-out client whose connection drops between queries;
 * with no listener that would crash the process, so one is attached for the duration (from the
 * hand-over on, see checkOut). A client that failed this way is destroyed instead of going back
 * to the pool.
 */
export async function withClient<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  const client = await checkOut(pool, onError);
  try {
    // Dead on arrival (see checkOut): say why, and that no statement was sent.
    if (broken !== undefined) throw markNotSent(broken);
    return await work(client);
  } finally {
    client.removeListener('error', onError);
    if (broken !== undefined) client.on('error', () => undefined);
    client.release(broken);
  }
}

/**
 * One statement on a pooled client. Unlike `pool.query`, which throws the connection away with
 * any error, an error the server answered (a unique violation on a contended append, say) keeps
 * the connection: only a broken connection is destroyed. Otherwise every append conflict would
 * cost a new connection and its SCRAM handshake.
 */
export function query<R extends QueryResultRow>(
  pool: Pool,
  config: QueryConfig,
): Promise<QueryResult<R>> {
  return withClient(pool, (client) => client.query<R>(config));
}

/**
 * BEGIN ... COMMIT around `work`. If the connection dies during COMMIT the outcome is unknown;
 * the caller sees the failure, and a retry with the same expected revision will then answer
 * ConcurrencyError if the first attempt did commit, which is the safe way round.
 */
export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  // Pinned whatever the database's default: the statements are written for READ COMMITTED.
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // On a dead connection ROLLBACK fails too; the original error is the one worth reporting.
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
