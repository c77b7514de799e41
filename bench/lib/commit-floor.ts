import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { spread, Spread } from './stats';

/**
 * What the PostgreSQL instance itself can commit at the bench's concurrency: `connections`
 * sessions each doing single-row INSERTs in autocommit for `durationMs`. Any orchestrator that
 * commits at least once per step is bounded by this.
 */
export interface CommitFloor {
  connections: number;
  commitsPerSecond: number;
  commitMs: Spread;
}

export async function measureCommitFloor(
  url: string,
  connections: number,
  durationMs: number,
): Promise<CommitFloor> {
  const setup = new Client({ connectionString: url });
  await setup.connect();
  await setup.query(
    'CREATE TABLE IF NOT EXISTS commit_floor (id bigserial PRIMARY KEY, body text)',
  );
  await setup.end();
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const began = performance.now();
  const deadline = began + durationMs;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await client.query('INSERT INTO commit_floor (body) VALUES ($1)', ['x'.repeat(200)]);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - began;
  await Promise.all(clients.map((client) => client.end()));
  return {
    connections,
    commitsPerSecond: latencies.length / (elapsed / 1000),
    commitMs: spread(latencies),
  };
}
