/**
 * `npm run bench:ledger` (issue #17): what the ledger costs and how fast an audit is.
 * 1. Seeds BENCH_LEDGER_EVENTS (100,000) events in all: copies of a recorded create_l2vpn
 *    history under fresh ids, appended through Baton's own store (one append per process, 8
 *    writers). The first 80% are written with no ledger running (the append rate without it).
 * 2. Starts the ledger projection on that store: its catch-up throughput (events/s), and the
 *    digest an auditor keeps.
 * 3. Writes the last 20% while the ledger follows: the append rate with it, and its lag (events
 *    behind the store, sampled every 100 ms; time to catch up after the last append).
 * 4. `baton audit export --from-database` and `baton audit verify` over the whole store.
 * Everything is loaded from the compiled dist, as the other benches do.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { onCleanup, runBench } from './lib/cleanup';
import { startBenchPostgres } from './lib/postgres-server';
import { repoRoot } from './lib/repo';
import { BatonEventStore, load, openBatonStore } from './scale/baton-store';
import { TemplateEvent } from './scale/clone-history';
import { seedProcesses } from './scale/seed';

const log = (message: string): void => void process.stderr.write(`[ledger] ${message}\n`);
const FIXTURE = 'test/fixtures/create_l2vpn-v1-completed.events.json';

interface Ledger {
  onApplicationBootstrap(): void;
  progress?: { treeSize: number; position: number };
}

interface LedgerStore {
  latestDigest(): Promise<{ treeSize: number } | null>;
}

runBench(async () => {
  const wanted = Number(process.env.BENCH_LEDGER_EVENTS ?? 100_000);
  const template = JSON.parse(readFileSync(path.join(repoRoot, FIXTURE), 'utf8')) as Array<
    TemplateEvent & { streamId: string }
  >;
  const templateId = template[0].streamId.replace(/^process-/, '');
  const total = Math.ceil(wanted / template.length);
  const first = Math.round(total * 0.8);

  const pg = await startBenchPostgres();
  onCleanup(() => pg.stop());
  await pg.createDatabase('bench_ledger');
  const url = pg.socketUrl('bench_ledger');
  const pool = new Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  onCleanup(() => pool.end());
  const store = await openBatonStore(pool);
  onCleanup(() => store.close());

  log(`seeding ${first} processes (${first * template.length} events) with no ledger running`);
  const without = await seedProcesses(store, template, templateId, first, 8, log);
  const appendsWithout = without.perSecond * template.length;

  const { LedgerProjection } = load<{ LedgerProjection: new (...args: unknown[]) => Ledger }>(
    'application/ledger/ledger-projection',
  );
  const { PgLedgerStore } = load<{ PgLedgerStore: new (pool: Pool) => LedgerStore }>(
    'infrastructure/postgres/pg-ledger-store',
  );
  const { SoleOwnership } = load<{
    SoleOwnership: new () => { start(l: unknown): Promise<void>; stop(): Promise<void> };
  }>('application/ownership/sole-ownership');
  const ledgerStore = new PgLedgerStore(pool);
  const ownership = new SoleOwnership();
  const ledger = new LedgerProjection(
    store as BatonEventStore,
    ledgerStore,
    ownership,
    { now: () => new Date() },
    {
      signingKey: generateKeyPairSync('ed25519').privateKey,
      digestEveryEvents: 1000,
      digestEverySeconds: 0,
    },
  );
  ledger.onApplicationBootstrap();
  const seeded = first * template.length;
  const treeSize = () => ledger.progress?.treeSize ?? 0;
  const until = async (size: number) => {
    while (treeSize() < size) await new Promise((r) => setTimeout(r, 20));
  };
  const began = performance.now();
  await ownership.start({ acquired: async () => {}, releasing: async () => {}, lost: () => {} });
  onCleanup(() => ownership.stop());
  await until(seeded);
  const catchUpSeconds = (performance.now() - began) / 1000;
  const catchUpRate = seeded / catchUpSeconds;
  log(`ledger caught up with ${seeded} events in ${catchUpSeconds.toFixed(1)} s`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-ledger-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
  let kept = await ledgerStore.latestDigest();
  while (kept === null || kept.treeSize < seeded - (seeded % 1000)) {
    await new Promise((r) => setTimeout(r, 20));
    kept = await ledgerStore.latestDigest();
  }
  const keptFile = path.join(dir, 'kept.json');
  writeFileSync(keptFile, JSON.stringify(kept));

  log(`seeding ${total - first} more processes while the ledger follows`);
  const lags: number[] = [];
  let appended = seeded;
  const counting: BatonEventStore = {
    append: async (...args) => {
      const result = await store.append(...args);
      appended += args[1].length;
      return result;
    },
    close: () => store.close(),
  };
  const sampler = setInterval(() => lags.push(appended - treeSize()), 100);
  const withLedger = await seedProcesses(counting, template, templateId, total - first, 8, log);
  const lastAppend = performance.now();
  await until(appended);
  const drainMs = performance.now() - lastAppend;
  clearInterval(sampler);
  const appendsWith = withLedger.perSecond * template.length;
  await ownership.stop();

  const { runCli } = load<{
    runCli(argv: string[], context: Record<string, unknown>): Promise<number>;
  }>('interfaces/cli/run-cli');
  const quiet = { env: { DATABASE_URL: url, LOG_LEVEL: 'error' }, out: () => {}, err: log };
  const bundle = path.join(dir, 'bundle.ndjson');
  let started = performance.now();
  const exported = await runCli(['audit', 'export', '--from-database', '--out', bundle], quiet);
  const exportSeconds = (performance.now() - started) / 1000;
  const lines: string[] = [];
  started = performance.now();
  const verified = await runCli(['audit', 'verify', '--digest', keptFile, bundle], {
    ...quiet,
    out: (text: string) => lines.push(text),
  });
  const verifySeconds = (performance.now() - started) / 1000;
  if (exported !== 0 || verified !== 0) throw new Error(`audit failed: ${lines.join('\n')}`);

  const sorted = [...lags].sort((a, b) => a - b);
  const result = {
    events: appended,
    appendsPerSecondWithoutLedger: Math.round(appendsWithout),
    appendsPerSecondWithLedger: Math.round(appendsWith),
    ledgerCatchUpEventsPerSecond: Math.round(catchUpRate),
    liveLagEventsMedian: sorted[Math.floor(sorted.length / 2)] ?? 0,
    liveLagEventsMax: sorted[sorted.length - 1] ?? 0,
    drainAfterLastAppendMs: Math.round(drainMs),
    keptDigestTreeSize: kept.treeSize,
    bundleMegabytes: Math.round(statSync(bundle).size / 1e5) / 10,
    exportSeconds: Math.round(exportSeconds * 10) / 10,
    verifySeconds: Math.round(verifySeconds * 10) / 10,
    verdict: lines.join(' ').replace(/\n/g, ' '),
  };
  const table = [
    `| figure | value |`,
    `|---|---|`,
    ...Object.entries(result).map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
  console.log(table);
  const results = path.join(repoRoot, 'bench/results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, 'ledger-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(results, 'ledger-latest.md'), `${table}\n`);
});
