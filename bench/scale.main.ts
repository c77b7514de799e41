/**
 * `npm run bench:scale`: does Baton stay flat with many processes waiting for a callback?
 * Seeds BENCH_SCALE_SMALL (1000) waiting processes, measures Baton's RSS and the latency of
 * BENCH_SCALE_CALLBACKS (200) callbacks, then grows to BENCH_SCALE_N (100000) and measures again.
 * Seeding clones one real process's history through Baton's own store API (see scale/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { startBatonServer } from './engines/launchers';
import { onCleanup, runBench } from './lib/cleanup';
import { requestJson, waitUntil } from './lib/http-json';
import { freePort } from './lib/ports';
import { startBenchPostgres } from './lib/postgres-server';
import { repoRoot } from './lib/repo';
import { round } from './lib/stats';
import { openBatonStore } from './scale/baton-store';
import { TemplateEvent } from './scale/clone-history';
import { measureWhileWaiting, waitCaughtUp, WaitingMeasurement } from './scale/measure-waiting';
import { SeededProcess, seedProcesses } from './scale/seed';
import { startSilentLso } from './scale/silent-lso';
import { L2VPN_INPUT } from './load/workload';

const log = (message: string): void => void process.stderr.write(`[scale] ${message}\n`);
const intSetting = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

/** One real process, run over HTTP until its callback action has completed, as the template. */
async function recordTemplate(baseUrl: string): Promise<{ id: string; events: TemplateEvent[] }> {
  const started = await requestJson('POST', `${baseUrl}/api/processes/create_l2vpn`, L2VPN_INPUT);
  const id = (started.body as { id: string }).id;
  let events: TemplateEvent[] = [];
  await waitUntil('the template process to await its callback', async () => {
    const r = await requestJson('GET', `${baseUrl}/api/processes/${id}/events`);
    events =
      (Array.isArray(r.body) ? r.body : (r.body as { events: TemplateEvent[] }).events) ?? [];
    return events.some((e) => e.type === 'CallbackActionCompleted');
  });
  return {
    id,
    events: events.map(({ type, data, metadata }) => ({ type, data, metadata })),
  };
}

async function main(): Promise<void> {
  const small = intSetting('BENCH_SCALE_SMALL', 1000);
  const large = intSetting('BENCH_SCALE_N', 100_000);
  const callbacks = intSetting('BENCH_SCALE_CALLBACKS', 200);
  const concurrency = intSetting('BENCH_SCALE_SEED_CONCURRENCY', 8);
  const pg = await startBenchPostgres();
  onCleanup(() => pg.stop());
  const lsoPort = await freePort();
  const stopLso = await startSilentLso(lsoPort);
  onCleanup(stopLso);
  const lsoUrl = `http://127.0.0.1:${lsoPort}`;
  await pg.createDatabase('bench_scale');
  const pool = new Pool({ connectionString: pg.url('bench_scale'), max: concurrency + 2 });
  pool.on('error', () => undefined);
  onCleanup(() => pool.end());
  const store = await openBatonStore(pool);
  let baton = await startBatonServer(pg.url('bench_scale'), lsoUrl);
  const template = await recordTemplate(baton.baseUrl);
  log(`template ${template.id}: ${template.events.map((e) => e.type).join(', ')}`);
  await baton.server.stop();

  const pool_: SeededProcess[] = [];
  const measurements: WaitingMeasurement[] = [];
  const seedRates: number[] = [];
  for (const target of [small, large]) {
    const missing = target + callbacks * measurements.length - pool_.length - 1;
    if (missing > 0) {
      log(`seeding ${missing} processes (Baton stopped)`);
      const { seeded, perSecond } = await seedProcesses(
        store,
        template.events,
        template.id,
        missing,
        concurrency,
        log,
      );
      pool_.push(...seeded);
      seedRates.push(perSecond);
      log(`seeded at ${round(perSecond, 0)} processes/s`);
    }
    // The newest process marks the end of the seed: Baton has caught up once it lists it.
    const [newest] = (
      await seedProcesses(store, template.events, template.id, 1, 1, () => undefined)
    ).seeded;
    pool_.push(newest);
    log(`starting Baton with ${target} processes waiting`);
    baton = await startBatonServer(pg.url('bench_scale'), lsoUrl);
    const catchUp = await waitCaughtUp(baton.baseUrl, baton.server.pid, newest.processId);
    log(`caught up in ${round(catchUp, 1)} s; posting ${callbacks} callbacks`);
    const targets = pool_.splice(0, callbacks);
    measurements.push(
      await measureWhileWaiting(baton.baseUrl, baton.server.pid, target, catchUp, targets),
    );
    await baton.server.stop();
  }
  await store.close();
  report(measurements, seedRates, concurrency);
}

const heapCell = (m: WaitingMeasurement): string =>
  m.heapHeldMiB === undefined || m.heapUsedMiB === undefined
    ? '–'
    : `${round(m.heapHeldMiB, 0)} / ${round(m.heapUsedMiB, 0)}`;

function report(
  measurements: WaitingMeasurement[],
  seedRates: number[],
  concurrency: number,
): void {
  const rows = measurements.map(
    (m) =>
      `| ${m.waiting} | ${round(m.catchUpSeconds, 1)} | ${round(m.rssMiB, 0)} (${round(m.restedSeconds, 1)} s) | ${heapCell(m)} | ${round(m.rssAfterCallbacksMiB, 0)} | ${round(m.peakRssMiB, 0)} | ` +
      `${round(m.callbackMs.p50, 1)} | ${round(m.callbackMs.p99, 1)} | ${m.callbackMs.n - m.refused}/${m.callbackMs.n} |`,
  );
  const markdown = [
    `Date ${new Date().toISOString()}; ${os.cpus().length} cores; PostgreSQL 18, fsync on.`,
    `Seeding through PgEventStore.append (${concurrency} in flight): ${seedRates.map((r) => round(r, 0)).join(' / ')} processes/s.`,
    '',
    '| waiting | catch-up after start s | RSS at rest MiB (settled after) | V8 heap held / used at rest MiB | RSS after callbacks MiB | peak RSS (incl. catch-up) MiB | callback p50 ms | callback p99 ms | accepted |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'projection rebuild over 1M events: npm run bench:rebuild',
  ].join('\n');
  process.stdout.write(`\n${markdown}\n`);
  const dir = path.join(repoRoot, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString();
  const json = `${JSON.stringify({ date, seedRates, measurements }, null, 2)}\n`;
  for (const name of ['scale-latest', `scale-${date.slice(0, 16).replace(/:/g, '-')}`]) {
    writeFileSync(path.join(dir, `${name}.md`), `${markdown}\n`);
    writeFileSync(path.join(dir, `${name}.json`), json);
  }
}

runBench(main);
