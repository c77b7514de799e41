import { Migration } from './migrations';

/**
 * The ledger's tables (application/ledger). Not a read model: its digests have been handed to
 * auditors, so it is never emptied and rebuilt from a store that might have been altered. The
 * signing key is never stored here.
 */
export const LEDGER_MIGRATIONS: Migration[] = [
  {
    version: 200,
    name: 'ledger',
    sql: `
      CREATE TABLE ledger_leaves (
        leaf_index bigint PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        position bigint NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision int NOT NULL,
        event_hash text NOT NULL,
        leaf_hash bytea NOT NULL
      );
      CREATE INDEX ledger_leaves_stream ON ledger_leaves (stream_id, revision);
      -- Complete subtrees of the RFC 9162 tree; level 0 are the leaves.
      CREATE TABLE ledger_nodes (
        level smallint NOT NULL,
        node_index bigint NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (level, node_index)
      );
      CREATE TABLE ledger_stream_heads (
        stream_id text PRIMARY KEY,
        event_hash text NOT NULL
      );
      CREATE TABLE ledger_digests (
        tree_size bigint PRIMARY KEY,
        root_hash text NOT NULL,
        last_position bigint NOT NULL,
        signed_at text NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        public_key text NOT NULL
      );
      CREATE TABLE ledger_state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        tree_size bigint NOT NULL,
        position bigint NOT NULL
      );
      INSERT INTO ledger_state (id, tree_size, position) VALUES (true, 0, 0);
    `,
  },
];
