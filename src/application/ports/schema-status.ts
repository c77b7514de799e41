/**
 * Whether the store's schema is the one this build expects. The service migrates at start-up,
 * but an instance can still find itself behind: a newer build's rollback, an operator restoring
 * an old dump, a migration that failed on another instance. Readiness asks this port.
 */
export interface SchemaStatus {
  /** Versions of this build's migrations that the store has not applied (empty: up to date). */
  missingMigrations(): Promise<number[]>;
}

export const SCHEMA_STATUS = Symbol('SchemaStatus');

/** For stores without a schema (in memory). */
export const schemaAlwaysCurrent: SchemaStatus = { missingMigrations: async () => [] };
