/**
 * Records in the database who wrote what and when: every event, checkpoint write and epoch
 * change, with the writer's application_name and the moment the row was written. Lets a fault
 * test check, in the store itself, that no instance wrote as the owner of work another instance
 * had already taken over.
 */
import { Pool } from 'pg';
import { partitionOf } from '../../../src/application/ownership/partitions';

export interface AuditRow {
  at: Date;
  app: string;
  kind: 'append' | 'checkpoint' | 'epoch';
  name: string;
}

export const installWriteAudit = async (pool: Pool): Promise<void> => {
  await pool.query(`
    CREATE TABLE fault_audit (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT clock_timestamp(),
      app text NOT NULL DEFAULT current_setting('application_name'),
      kind text NOT NULL,
      name text NOT NULL);
    CREATE FUNCTION fault_audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- Separate statements: a record's fields are resolved even in a CASE branch not taken.
      IF TG_ARGV[0] = 'append' THEN
        INSERT INTO fault_audit (kind, name) VALUES ('append', NEW.stream_id);
      ELSE
        INSERT INTO fault_audit (kind, name) VALUES (TG_ARGV[0], NEW.name);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER fault_audit_events AFTER INSERT ON events
      FOR EACH ROW EXECUTE FUNCTION fault_audit_row('append');
    CREATE TRIGGER fault_audit_checkpoints AFTER INSERT OR UPDATE ON checkpoints
      FOR EACH ROW EXECUTE FUNCTION fault_audit_row('checkpoint');
    CREATE TRIGGER fault_audit_epochs AFTER INSERT OR UPDATE ON ownership_epochs
      FOR EACH ROW EXECUTE FUNCTION fault_audit_row('epoch');`);
};

export const readWriteAudit = async (pool: Pool): Promise<AuditRow[]> =>
  (await pool.query<AuditRow>('SELECT at, app, kind, name FROM fault_audit ORDER BY seq')).rows;

/**
 * The fence a write was made under: the runner's appends and checkpoints belong to their
 * process's partition, every other checkpoint to the projection role.
 */
const fenceOf = (row: AuditRow, partitions: number): string => {
  if (row.kind === 'append') return `partition:${partitionOf(row.name.slice(8), partitions)}`;
  const runner = /^runner:(\d+)$/.exec(row.name);
  return runner ? `partition:${runner[1]}` : 'role:projection:process-summaries';
};

/**
 * Writes by `app` made while another instance held the newest epoch of the work they belong to.
 * Only appends of process streams count (the tested instance serves no API requests, so all of
 * its appends are its runner's).
 */
export const writesAfterTakeover = (
  rows: AuditRow[],
  app: string,
  partitions: number,
): AuditRow[] => {
  const holder = new Map<string, string>();
  const late: AuditRow[] = [];
  for (const row of rows) {
    if (row.kind === 'epoch') {
      holder.set(row.name, row.app);
      continue;
    }
    if (row.app !== app) continue;
    if (row.kind === 'append' && !row.name.startsWith('process-')) continue;
    const owner = holder.get(fenceOf(row, partitions));
    if (owner !== undefined && owner !== app) late.push(row);
  }
  return late;
};
