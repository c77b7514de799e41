import { Client } from 'pg';

/**
 * PostgreSQL's own pg_stat_statements: how many statements each engine's database executed (every
 * run) and, with BENCH_PG_STATEMENTS=1, which ones its database time went to. Read from
 * PostgreSQL's view, never from an engine's tables; the extension costs every engine alike.
 */
export const statementStatsEnabled = (): boolean => process.env.BENCH_PG_STATEMENTS === '1';

/** Statements executed so far in one database (all users, nested ones included). */
export const statementCount = (adminUrl: string, database: string): Promise<number> =>
  withClient(adminUrl, async (client) => {
    const result = await client.query<{ calls: string | null }>(
      `SELECT sum(s.calls) AS calls
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $1`,
      [database],
    );
    return Number(result.rows[0]?.calls ?? 0);
  });

export interface StatementStat {
  calls: number;
  totalMs: number;
  meanMs: number;
  query: string;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const resetStatementStats = (adminUrl: string): Promise<void> =>
  withClient(adminUrl, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
  });

export const topStatements = (
  adminUrl: string,
  database: string,
  limit = 8,
): Promise<StatementStat[]> =>
  withClient(adminUrl, async (client) => {
    const result = await client.query<{
      calls: string;
      total: number;
      mean: number;
      query: string;
    }>(
      `SELECT s.calls, s.total_exec_time AS total, s.mean_exec_time AS mean, s.query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = $1 ORDER BY s.total_exec_time DESC LIMIT $2`,
      [database, limit],
    );
    return result.rows.map((r) => ({
      calls: Number(r.calls),
      totalMs: r.total,
      meanMs: r.mean,
      query: r.query.replace(/\s+/g, ' ').slice(0, 160),
    }));
  });
