import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Pool } from 'pg';
import { repoRoot } from '../lib/repo';

/**
 * Baton's own store API, loaded from the compiled dist (the stable exports the engine team keeps:
 * PgEventStore, runMigrations, ALL_MIGRATIONS). Loaded at run time rather than imported, so the
 * bench never compiles against src/, which is being rewritten.
 */
export interface NewEvent {
  type: string;
  data: unknown;
  metadata: unknown;
}

export interface BatonEventStore {
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: 'no_stream' | number,
  ): Promise<unknown>;
  close(): Promise<void>;
}

const requireFromHere = createRequire(__filename);
export const load = <T>(relative: string): T =>
  requireFromHere(path.join(repoRoot, 'dist', relative)) as T;

export async function openBatonStore(pool: Pool): Promise<BatonEventStore> {
  const { runMigrations } = load<{
    runMigrations(pool: Pool, migrations: unknown): Promise<number[]>;
  }>('infrastructure/postgres/migrations');
  const { ALL_MIGRATIONS } = load<{ ALL_MIGRATIONS: unknown }>('infrastructure/postgres/schema');
  const { PgEventStore } = load<{ PgEventStore: new (pool: Pool) => BatonEventStore }>(
    'infrastructure/postgres/pg-event-store',
  );
  await runMigrations(pool, ALL_MIGRATIONS);
  return new PgEventStore(pool);
}

/** Baton's stream name for a process (processStreamId in src/domain/process/events.ts). */
export const processStreamId = (processId: string): string => `process-${processId}`;
