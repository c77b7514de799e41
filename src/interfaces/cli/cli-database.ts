/**
 * How a command-line tool reaches Baton's database: DATABASE_URL when set, else the embedded
 * PostgreSQL under DATA_DIR. When the service is running, its embedded PostgreSQL already
 * answers on EMBEDDED_POSTGRES_PORT: a reader connects to it, a tool that must have the
 * database to itself refuses. When it is not running, the tool starts it on the same data
 * directory and stops it when done.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { BatonConfig } from '../../config';
import { startEmbeddedPostgres } from '../../infrastructure/postgres/embedded-postgres';

export interface CliDatabase {
  connectionString: string;
  /** Stops the embedded PostgreSQL if this tool started it. */
  release(): Promise<void>;
}

/** `share`: use a running service's database; `exclusive`: refuse while the service runs. */
export type CliAccess = 'share' | 'exclusive';

const EMBEDDED_PASSWORD = 'baton-local';
const EMBEDDED_DATABASE = 'baton';

const isListening = async (connectionString: string): Promise<boolean> => {
  const probe = new Pool({ connectionString, max: 1, connectionTimeoutMillis: 1000 });
  probe.on('error', () => undefined);
  try {
    await probe.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await probe.end();
  }
};

export const openCliDatabase = async (
  config: BatonConfig,
  access: CliAccess,
): Promise<CliDatabase> => {
  const nothingToStop = async () => undefined;
  if (config.databaseUrl) return { connectionString: config.databaseUrl, release: nothingToStop };
  const running = `postgresql://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${config.embeddedPostgresPort}/${EMBEDDED_DATABASE}`;
  if (await isListening(running)) {
    if (access === 'share') return { connectionString: running, release: nothingToStop };
    throw new Error(
      `a PostgreSQL already answers on port ${config.embeddedPostgresPort}: is Baton running on ${config.dataDir}? Stop it first (or set DATABASE_URL)`,
    );
  }
  const dataDir = path.join(config.dataDir, 'postgres');
  if (access === 'share' && !existsSync(path.join(dataDir, 'PG_VERSION'))) {
    throw new Error(`no Baton database in ${dataDir} (set DATA_DIR or DATABASE_URL)`);
  }
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: config.embeddedPostgresPort,
    persistent: true,
  });
  return { connectionString: embedded.connectionString, release: embedded.stop };
};
