import { Client } from 'pg';

/**
 * Optional diagnostics (BENCH_PG_STATEMENTS=1): PostgreSQL's own pg_stat_statements, to see which
 * statements an engine's database time goes to. Read from PostgreSQL's view, never from an
 * engine's tables; the extension adds a little overhead to every engine alike.
 */
export const statementStatsEnabled = (): boolean => process.env.BENCH_PG_STATEMENTS === '1';

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
