/**
 * `npm run bench:tracing`: what tracing adds per process, without PostgreSQL or HTTP around it,
 * so the figure holds on a loaded machine where the side-by-side's CPU per process swings ±10%.
 * Makes the spans of one seed process as `npm run bench` counts them (the OTLP sink saw about
 * 40 per process: 20 requests — the start, 17 status polls, the callback, the confirmation —
 * 3 commands, 3 drives, 8 steps and 7 appends each writing the traceparent into its events)
 * through the compiled adapter (`dist`), exported by the SDK's BatchSpanProcessor and OTLP/JSON
 * exporter to a sink in a child process (its CPU is not counted). The same work with tracing
 * off is the baseline. BENCH_TRACING_PROCESSES (3000) processes, 16 at a time.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { once } from 'node:events';
import { repoRoot } from './lib/repo';

interface OpenSpan {
  run<T>(work: () => T): T;
  setAttributes(attributes: Record<string, string | number>): void;
  end(): void;
}
interface Tracing {
  span<T>(
    name: string,
    attributes: Record<string, string | number>,
    work: () => Promise<T>,
    options?: { parent?: string; links?: string[] },
  ): Promise<T>;
  open(name: string, attributes: Record<string, string | number>): OpenSpan;
  current(): string | undefined;
}

const load = createRequire(__filename);
const { startTracing } = load(path.join(repoRoot, 'dist/infrastructure/tracing/otel-tracing')) as {
  startTracing(setup: { serviceName: string; instanceId: string; endpoint?: string }): {
    tracing: Tracing;
    shutdown(): Promise<void>;
  };
};
const { noTracing } = load(path.join(repoRoot, 'dist/application/ports/tracing')) as {
  noTracing: Tracing;
};

const PROCESSES = Number(process.env.BENCH_TRACING_PROCESSES ?? 3000);
const CONCURRENCY = 16;
const SPANS_PER_PROCESS = 20 + 3 + 3 + 8 + 7;

/** One turn of the event loop: where a request or a query would wait on I/O. */
const io = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A request as the middleware traces it: an open span, ended when the response closes. */
const request = (tracing: Tracing, method: string, work: () => Promise<void>) => {
  const span = tracing.open(`HTTP ${method}`, { 'http.request.method': method });
  return span.run(work).then(() => {
    span.setAttributes({ 'http.route': '/api/processes/:id', 'http.response.status_code': 200 });
    span.end();
  });
};

const append = (tracing: Tracing, events: string) =>
  tracing.span('append', { 'baton.process_id': 'p', 'baton.events': events }, async () => {
    tracing.current(); // the traceparent written into the events' metadata
    await io();
  });

const command = (tracing: Tracing, name: string, events: string, parent?: string) =>
  tracing.span(name, {}, () => append(tracing, events), parent ? { parent, links: [parent] } : {});

const drive = (tracing: Tracing, steps: number, appends: number, parent?: string) =>
  tracing.span(
    'drive',
    { 'baton.process_id': 'p', 'baton.workflow': 'create_l2vpn' },
    async () => {
      for (let i = 0; i < steps; i++)
        await tracing.span(`step ${i}`, { 'baton.step.index': i, 'baton.step.kind': 'step' }, () =>
          i < appends ? append(tracing, 'StepCompleted') : io(),
        );
    },
    { parent },
  );

const seedProcess = async (tracing: Tracing): Promise<void> => {
  let trace: string | undefined;
  await request(tracing, 'POST', () =>
    command(tracing, 'command StartProcess', 'ProcessStarted').then(() => {
      trace = tracing.current();
    }),
  );
  await drive(tracing, 4, 3, trace);
  for (let i = 0; i < 17; i++) await request(tracing, 'GET', io);
  await request(tracing, 'POST', () =>
    command(tracing, 'command ReceiveCallback', 'CallbackReceived', trace),
  );
  await drive(tracing, 2, 0, trace);
  await request(tracing, 'PUT', () =>
    command(tracing, 'command ResumeProcess', 'ConfirmationGiven', trace),
  );
  await drive(tracing, 2, 1, trace);
};

const cpuMicrosPerProcess = async (tracing: Tracing): Promise<number> => {
  const run = (count: number) =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < count / CONCURRENCY; i++) await seedProcess(tracing);
      }),
    );
  await run(Math.min(PROCESSES, 500)); // warm up
  const before = process.cpuUsage();
  await run(PROCESSES);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / PROCESSES;
};

/** An OTLP endpoint in a process of its own that accepts and drops what it is sent. */
const startSink = async () => {
  const sink = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => { r.writeHead(200, { 'content-type': 'application/json' }); r.end('{}'); }); });
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [port] = (await once(sink.stdout, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${String(port).trim()}/v1/traces`, stop: () => sink.kill() };
};

async function main(): Promise<void> {
  const off = await cpuMicrosPerProcess(noTracing);
  const sink = await startSink();
  const started = startTracing({ serviceName: 'bench', instanceId: 'bench', endpoint: sink.url });
  try {
    const on = await cpuMicrosPerProcess(started.tracing);
    await started.shutdown();
    const added = on - off;
    process.stdout.write(
      `tracing off: ${off.toFixed(0)} µs CPU per process (the same awaits, no spans)\n` +
        `tracing on:  ${on.toFixed(0)} µs CPU per process, ${SPANS_PER_PROCESS} spans made (those sampled exported)\n` +
        `tracing adds ${(added / 1000).toFixed(2)} ms per process, ${(added / SPANS_PER_PROCESS).toFixed(1)} µs per span ` +
        `(${PROCESSES} processes, ${CONCURRENCY} at a time)\n`,
    );
  } finally {
    sink.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
