/**
 * The ledger's tables (ledger-migrations.ts). A batch is one statement that moves the checkpoint
 * only if the tree still has the size this writer started from, and writes its rows only if it
 * did, so a writer that lost the role (fencing) cannot add a leaf twice.
 */
import { Pool } from 'pg';
import {
  LedgerBatch,
  LedgerLeafRecord,
  LedgerState,
  LedgerStore,
  nodeKey,
} from '../../application/ports/ledger-store';
import { frontierNodes } from '../../application/ledger/merkle-appender';
import { SignedDigest } from '../../application/ledger/signed-digest';
import { query } from './pg-client';

interface LeafRow {
  leaf_index: string;
  event_id: string;
  position: string;
  stream_id: string;
  revision: number;
  event_hash: string;
  leaf_hash: Buffer;
}

interface DigestRow {
  tree_size: string;
  root_hash: string;
  last_position: string;
  signed_at: string;
  key_id: string;
  signature: string;
  public_key: string;
}

const toLeaf = (row: LeafRow): LedgerLeafRecord => ({
  index: Number(row.leaf_index),
  eventId: row.event_id,
  position: Number(row.position),
  streamId: row.stream_id,
  revision: row.revision,
  eventHash: row.event_hash,
  leafHash: row.leaf_hash,
});

const toDigest = (row: DigestRow): SignedDigest => ({
  treeSize: Number(row.tree_size),
  rootHash: row.root_hash,
  lastPosition: Number(row.last_position),
  at: row.signed_at,
  keyId: row.key_id,
  signature: row.signature,
  publicKey: row.public_key,
});

const LEAF_COLUMNS = 'leaf_index, event_id, position, stream_id, revision, event_hash, leaf_hash';
const DIGEST_COLUMNS =
  'tree_size, root_hash, last_position, signed_at, key_id, signature, public_key';

const LEDGER_APPEND_SQL = `
  WITH moved AS (
    UPDATE ledger_state SET tree_size = $1, position = $2 WHERE tree_size = $3 RETURNING 1
  ), leaves AS (
    INSERT INTO ledger_leaves (${LEAF_COLUMNS})
    SELECT * FROM unnest($4::bigint[], $5::uuid[], $6::bigint[], $7::text[], $8::int[],
                         $9::text[], $10::bytea[])
    WHERE EXISTS (SELECT 1 FROM moved)
    RETURNING 1
  ), nodes AS (
    INSERT INTO ledger_nodes (level, node_index, hash)
    SELECT * FROM unnest($11::smallint[], $12::bigint[], $13::bytea[])
    WHERE EXISTS (SELECT 1 FROM moved)
    RETURNING 1
  ), heads AS (
    INSERT INTO ledger_stream_heads (stream_id, event_hash)
    SELECT * FROM unnest($14::text[], $15::text[])
    WHERE EXISTS (SELECT 1 FROM moved)
    ON CONFLICT (stream_id) DO UPDATE SET event_hash = excluded.event_hash
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM moved)::int AS moved,
         (SELECT count(*) FROM leaves)::int + (SELECT count(*) FROM nodes)::int
           + (SELECT count(*) FROM heads)::int AS written`;

export class PgLedgerStore implements LedgerStore {
  constructor(private readonly pool: Pool) {}

  async state(): Promise<LedgerState> {
    const { rows } = await query<{ tree_size: string; position: string }>(this.pool, {
      text: 'SELECT tree_size, position FROM ledger_state',
    });
    const treeSize = Number(rows[0].tree_size);
    const wanted = frontierNodes(treeSize);
    const nodes = await this.nodes(wanted);
    const frontier = new Map(
      wanted.map(({ level, index }) => [level, nodes.get(nodeKey(level, index)) as Buffer]),
    );
    return {
      treeSize,
      position: Number(rows[0].position),
      frontier,
      lastDigest: await this.latestDigest(),
    };
  }

  async streamHeads(streamIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await query<{ stream_id: string; event_hash: string }>(this.pool, {
      text: 'SELECT stream_id, event_hash FROM ledger_stream_heads WHERE stream_id = ANY($1)',
      values: [streamIds],
    });
    return new Map(rows.map((row) => [row.stream_id, row.event_hash]));
  }

  /**
   * One statement (one round trip, its own transaction) instead of BEGIN, four writes and COMMIT:
   * the checkpoint moves only from the size this writer started from, and the leaves, nodes and
   * stream heads are written only if it moved, so a fenced-out writer writes nothing.
   */
  async append(batch: LedgerBatch, expectedTreeSize: number): Promise<void> {
    const l = batch.leaves;
    const n = batch.nodes;
    const heads = [...batch.heads];
    const { rows } = await query<{ moved: number }>(this.pool, {
      name: 'baton_ledger_append',
      text: LEDGER_APPEND_SQL,
      values: [
        batch.treeSize,
        batch.position,
        expectedTreeSize,
        l.map((x) => x.index),
        l.map((x) => x.eventId),
        l.map((x) => x.position),
        l.map((x) => x.streamId),
        l.map((x) => x.revision),
        l.map((x) => x.eventHash),
        l.map((x) => x.leafHash),
        n.map((x) => x.level),
        n.map((x) => x.index),
        n.map((x) => x.hash),
        heads.map(([stream]) => stream),
        heads.map(([, hash]) => hash),
      ],
    });
    if (rows[0]?.moved !== 1)
      throw new Error(`the ledger moved on under this writer (expected ${expectedTreeSize})`);
  }

  async recordDigest(d: SignedDigest): Promise<void> {
    await query(this.pool, {
      text: `INSERT INTO ledger_digests (${DIGEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (tree_size) DO NOTHING`,
      values: [d.treeSize, d.rootHash, d.lastPosition, d.at, d.keyId, d.signature, d.publicKey],
    });
  }

  async latestDigest(): Promise<SignedDigest | null> {
    const { rows } = await query<DigestRow>(this.pool, {
      text: `SELECT ${DIGEST_COLUMNS} FROM ledger_digests ORDER BY tree_size DESC LIMIT 1`,
    });
    return rows.length === 0 ? null : toDigest(rows[0]);
  }

  async digestAt(treeSize: number): Promise<SignedDigest | null> {
    const { rows } = await query<DigestRow>(this.pool, {
      text: `SELECT ${DIGEST_COLUMNS} FROM ledger_digests WHERE tree_size = $1`,
      values: [treeSize],
    });
    return rows.length === 0 ? null : toDigest(rows[0]);
  }

  async digestsUpTo(treeSize: number): Promise<SignedDigest[]> {
    const { rows } = await query<DigestRow>(this.pool, {
      text: `SELECT ${DIGEST_COLUMNS} FROM ledger_digests WHERE tree_size <= $1 ORDER BY tree_size`,
      values: [treeSize],
    });
    return rows.map(toDigest);
  }

  async nodes(keys: ReadonlyArray<{ level: number; index: number }>): Promise<Map<string, Buffer>> {
    if (keys.length === 0) return new Map();
    const { rows } = await query<{ level: number; node_index: string; hash: Buffer }>(this.pool, {
      text: `SELECT n.level, n.node_index, n.hash
             FROM unnest($1::smallint[], $2::bigint[]) AS k(level, node_index)
             JOIN ledger_nodes n USING (level, node_index)`,
      values: [keys.map((k) => k.level), keys.map((k) => k.index)],
    });
    return new Map(rows.map((row) => [nodeKey(row.level, Number(row.node_index)), row.hash]));
  }

  async leafOfEvent(eventId: string): Promise<LedgerLeafRecord | null> {
    const { rows } = await query<LeafRow>(this.pool, {
      text: `SELECT ${LEAF_COLUMNS} FROM ledger_leaves WHERE event_id = $1`,
      values: [eventId],
    });
    return rows.length === 0 ? null : toLeaf(rows[0]);
  }

  async leaves(from: number, to: number): Promise<LedgerLeafRecord[]> {
    const { rows } = await query<LeafRow>(this.pool, {
      text: `SELECT ${LEAF_COLUMNS} FROM ledger_leaves
             WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      values: [from, to],
    });
    return rows.map(toLeaf);
  }

  async leavesOfStream(streamId: string, below: number): Promise<LedgerLeafRecord[]> {
    const { rows } = await query<LeafRow>(this.pool, {
      text: `SELECT ${LEAF_COLUMNS} FROM ledger_leaves
             WHERE stream_id = $1 AND leaf_index < $2 ORDER BY leaf_index`,
      values: [streamId, below],
    });
    return rows.map(toLeaf);
  }
}
