/**
 * `npm run audit -- <processId> [--json]`: a process's audit timeline and hash-chain verdict,
 * read straight from the database, so it works with the service stopped (and next to a running
 * one). Exit status: 0 intact, 3 the chain is broken, 2 bad usage or unknown process, 1 other
 * failures; scripts can act on it.
 */
import { Pool } from 'pg';
import { auditProcess } from '../../application/history/audit-report';
import { NotFoundError } from '../../domain/errors';
import { loadConfig } from '../../config';
import { PgEventStore } from '../../infrastructure/postgres/pg-event-store';
import { renderAuditText } from './audit-text';
import { openCliDatabase } from './cli-database';

export const AUDIT_USAGE = 'usage: npm run audit -- <processId> [--json]';

export interface AuditOutput {
  out(text: string): void;
  err(text: string): void;
}

export const runAuditCommand = async (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: AuditOutput,
): Promise<number> => {
  const json = argv.includes('--json');
  const rest = argv.filter((arg) => arg !== '--json');
  if (rest.length !== 1 || rest[0].startsWith('-')) {
    output.err(AUDIT_USAGE);
    return 2;
  }
  const database = await openCliDatabase(loadConfig(env), 'share');
  const pool = new Pool({ connectionString: database.connectionString, max: 1 });
  pool.on('error', () => undefined);
  const store = new PgEventStore(pool);
  try {
    const report = await auditProcess(store, rest[0]);
    output.out(json ? JSON.stringify(report, null, 2) : renderAuditText(report));
    return report.chain.intact ? 0 : 3;
  } catch (error) {
    if (error instanceof NotFoundError) {
      output.err(`no process ${rest[0]} in this database`);
      return 2;
    }
    throw error;
  } finally {
    await store.close();
    await pool.end();
    await database.release();
  }
};
