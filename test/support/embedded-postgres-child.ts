/**
 * Run as a separate Node process by the embedded-postgres spec, which kills it with SIGKILL to
 * recreate "the app crashed and left its PostgreSQL running".
 * Usage: node -r ts-node/register/transpile-only embedded-postgres-child.ts <dataDir> <port> [durable]
 */
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/postgres/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, port, durable] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({
    dataDir,
    port: Number(port),
    persistent: true,
    durable: durable === 'durable',
  });
  const client = new Client({ connectionString: server.connectionString });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS crash_probe (note text)');
  await client.query(`INSERT INTO crash_probe VALUES ('written before the crash')`);
  await client.end();
  process.stdout.write('READY\n');
  setInterval(() => undefined, 60_000); // stay up until killed
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
