/**
 * Switches for measuring Baton's integrations with the same workload (issue 19):
 *   BENCH_TRACING=on          Baton exports OpenTelemetry spans (OTLP/HTTP) to a local sink that
 *                             accepts and drops them: the cost of tracing, not of a collector.
 *   BENCH_WEBHOOK=slow        BENCH_WEBHOOKS (3) subscriptions to every event, delivered to a
 *                             receiver that answers each POST after BENCH_WEBHOOK_DELAY_MS (2000):
 *                             the engine's throughput must not notice.
 *   BENCH_WORKERS=N           Baton with WORKERS=N (a supervisor and N worker processes sharing
 *                             the port and the default PG_POOL_SIZE); `auto` as WORKERS takes it.
 * Off by default; a run with a switch on is written as a partial result, never as `latest`.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';
import { requestJson } from './http-json';

export interface BatonVariant {
  /** Empty when no switch is on. */
  label: string;
  env: Record<string, string>;
  /** After Baton is healthy: subscribe the receivers. */
  afterStart(baseUrl: string): Promise<void>;
}

const sink = async (
  name: string,
  answer: (res: http.ServerResponse, count: number) => void,
  /** What a request's body holds, for the summary (the OTLP sink counts spans). */
  tally?: (body: Buffer) => number,
  unit = 'items',
): Promise<string> => {
  let count = 0;
  let items = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    if (tally) req.on('data', (chunk: Buffer) => chunks.push(chunk));
    else req.resume();
    req.on('end', () => {
      if (tally) items += tally(Buffer.concat(chunks));
      answer(res, ++count);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(async () => {
    const what = tally ? ` (${items} ${unit})` : '';
    process.stderr.write(`[${name}] received ${count} requests${what}\n`);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** Spans in an OTLP/JSON export request (0 for another encoding). */
const spansIn = (body: Buffer): number => {
  try {
    const request = JSON.parse(body.toString('utf8')) as {
      resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }>;
    };
    let spans = 0;
    for (const resource of request.resourceSpans ?? [])
      for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
    return spans;
  } catch {
    return 0;
  }
};

const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
};

/**
 * A switch with a value it does not know stops the run: `BENCH_TRACING=1` used to measure
 * Baton without tracing and report it as if it were the variant asked for.
 */
const switchOf = (name: string, on: string): boolean => {
  const raw = (process.env[name] ?? '').trim();
  if (raw === '' || raw === 'off') return false;
  if (raw === on) return true;
  throw new Error(`${name} must be "${on}" or "off", got "${raw}"`);
};

export async function batonVariant(): Promise<BatonVariant> {
  const tracing = switchOf('BENCH_TRACING', 'on');
  const slowWebhooks = switchOf('BENCH_WEBHOOK', 'slow');
  const env: Record<string, string> = {};
  const labels: string[] = [];
  let receiverUrl: string | undefined;
  if (tracing) {
    const url = await sink(
      'otlp sink',
      (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      },
      spansIn,
      'spans',
    );
    env.TRACING = 'otlp';
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${url}/v1/traces`;
    labels.push('tracing');
  }
  const hooks = slowWebhooks ? int('BENCH_WEBHOOKS', 3) : 0;
  if (hooks > 0) {
    const delayMs = int('BENCH_WEBHOOK_DELAY_MS', 2000);
    receiverUrl = await sink('slow webhook receiver', (res) => {
      setTimeout(() => {
        res.writeHead(204);
        res.end();
      }, delayMs);
    });
    env.WEBHOOK_SECRET_KEY = Buffer.alloc(32, 1).toString('base64');
    labels.push(`${hooks}-slow-webhooks-${delayMs}ms`);
  }
  const workers = process.env.BENCH_WORKERS?.trim();
  if (workers && workers !== '1') {
    env.WORKERS = workers;
    labels.push(`workers-${workers}`);
  }
  if (labels.length > 0) process.stderr.write(`[baton] variant: ${labels.join(', ')}\n`);
  return {
    label: labels.join('-'),
    env,
    async afterStart(baseUrl) {
      for (let i = 0; i < hooks; i++) {
        const answer = await requestJson('POST', `${baseUrl}/api/webhooks`, {
          url: `${receiverUrl}/hook-${i}`,
          secret: 'bench-webhook-secret-not-secret',
        });
        if (answer.status !== 201)
          throw new Error(
            `subscribing a webhook answered ${answer.status}: ${JSON.stringify(answer.body)}`,
          );
      }
    },
  };
}
