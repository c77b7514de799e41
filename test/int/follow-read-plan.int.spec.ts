/**
 * A page of the global order must cost its own rows, not the rest of the store. The follow read
 * once let PostgreSQL fetch every event after the position and sort them all to return the first
 * few (the bound below running transactions hid how few it needed): a rebuild, or a follower far
 * behind, paid for the whole store on every page. Checked on the plan PostgreSQL actually ran
 * (rows each scan of `events` produced), never by timing.
 */
import { FOLLOW_SQL } from '../../src/infrastructure/postgres/pg-event-sql';
import { TestDatabase, TestPostgres, startTestPostgres } from '../support/postgres';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('the follow read of the global order', () => {
  let pg: TestPostgres;
  let db: TestDatabase;

  beforeAll(async () => {
    pg = await startTestPostgres();
    db = await pg.createTestDatabase();
    // 20,000 committed events in 2,000 streams, not analyzed yet (a store just filled, by a
    // restore or a burst, before autovacuum came by): the planner cannot tell how many rows the
    // bound lets through, and that is where it went wrong.
    await db.pool.query(`
      INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
      SELECT n, gen_random_uuid(), 'process-' || (n / 10), n % 10, 'StepCompleted',
             jsonb_build_object('n', n), '{"at":"2026-12-07T00:00:00.000Z"}'::jsonb
      FROM generate_series(1, 20000) AS n`);
  }, 120_000);

  afterAll(async () => {
    await db?.drop();
    await pg?.cleanup();
  });

  it.each([0, 10_000])('reads only the page it returns (after position %i)', async (after) => {
    const { rows } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${FOLLOW_SQL}`,
      [after, 100],
    );
    const nodes = nodesOf(rows[0]['QUERY PLAN'][0].Plan);
    const scans = nodes.filter((n) => n['Relation Name'] === 'events');
    const page = await db.pool.query(FOLLOW_SQL, [after, 100]);
    expect(page.rows.map((r: { position: string }) => Number(r.position))).toEqual(
      Array.from({ length: 100 }, (_, i) => after + i + 1),
    );
    expect(scans.length).toBeGreaterThan(0);
    // One row more than the page at most (where the scan learns it may stop).
    const largest = Math.max(...scans.map((s) => s['Actual Rows'] * s['Actual Loops']));
    expect(largest).toBeLessThanOrEqual(101);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
  });
});
