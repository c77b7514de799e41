import { randomUUID } from 'node:crypto';
import { requestJson } from '../lib/http-json';

/** How the load generator drives one engine: the same four operations for all of them. */
export interface EngineClient {
  start(input: object): Promise<string>;
  /** The process status in Baton's vocabulary (awaiting_callback, suspended, completed, …). */
  status(id: string): Promise<string | undefined>;
  confirm(id: string): Promise<void>;
  /** Durable records the engine wrote for one process (Baton: events), if it can tell. */
  historyLength(id: string): Promise<number | undefined>;
  /** Why a failed process failed, in the engine's words, for the report (if it can tell). */
  failureOf?(id: string): Promise<string | undefined>;
}

export type EngineKind = 'baton' | 'dbos' | 'restate' | 'orchestrator-core';

function expect(status: number, wanted: number[], what: string, body: unknown): void {
  if (!wanted.includes(status)) throw new Error(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
}

/** Baton's REST API; the DBOS app in bench/engines exposes the same shape on purpose. */
export function batonShapedClient(baseUrl: string): EngineClient {
  return {
    async start(input) {
      const r = await requestJson('POST', `${baseUrl}/api/processes/create_l2vpn`, input);
      expect(r.status, [201], 'start', r.body);
      return (r.body as { id: string }).id;
    },
    async status(id) {
      const r = await requestJson('GET', `${baseUrl}/api/processes/${id}`);
      expect(r.status, [200], 'status', r.body);
      return (r.body as { status?: string }).status;
    },
    async confirm(id) {
      const r = await requestJson('PUT', `${baseUrl}/api/processes/${id}/resume`, {});
      expect(r.status, [200, 204], 'confirm', r.body);
    },
    async historyLength(id) {
      const r = await requestJson('GET', `${baseUrl}/api/processes/${id}/events`);
      if (r.status !== 200) return undefined;
      const body = r.body as unknown[] | { events?: unknown[] };
      return Array.isArray(body) ? body.length : body.events?.length;
    },
  };
}

/** Restate's ingress: the workflow `l2vpn` keyed by process id, with shared handlers. */
export function restateClient(ingressUrl: string): EngineClient {
  return {
    async start(input) {
      const id = randomUUID();
      const r = await requestJson('POST', `${ingressUrl}/l2vpn/${id}/run/send`, { ...input, id });
      expect(r.status, [200, 202], 'start', r.body);
      return id;
    },
    async status(id) {
      const r = await requestJson('POST', `${ingressUrl}/l2vpn/${id}/status`, {});
      expect(r.status, [200], 'status', r.body);
      return (r.body as string | null) ?? undefined;
    },
    async confirm(id) {
      const r = await requestJson('POST', `${ingressUrl}/l2vpn/${id}/confirm`, {});
      expect(r.status, [200], 'confirm', r.body);
    },
    historyLength: async () => undefined,
  };
}

/**
 * orchestrator-core's REST API: a start takes the filled form pages, the status is `last_status`
 * (the same vocabulary as Baton's), the confirmation is the input step's page, the history its
 * recorded steps.
 */
export function orchestratorCoreClient(baseUrl: string): EngineClient {
  return {
    async start(input) {
      const r = await requestJson('POST', `${baseUrl}/api/processes/create_l2vpn`, [input]);
      expect(r.status, [201], 'start', r.body);
      return (r.body as { id: string }).id;
    },
    async status(id) {
      const r = await requestJson('GET', `${baseUrl}/api/processes/${id}`);
      expect(r.status, [200], 'status', r.body);
      return (r.body as { last_status?: string }).last_status;
    },
    async confirm(id) {
      const r = await requestJson('PUT', `${baseUrl}/api/processes/${id}/resume`, [{}]);
      expect(r.status, [204], 'confirm', r.body);
    },
    async historyLength(id) {
      const r = await requestJson('GET', `${baseUrl}/api/processes/${id}`);
      return r.status === 200 ? (r.body as { steps?: unknown[] }).steps?.length : undefined;
    },
    async failureOf(id) {
      const r = await requestJson('GET', `${baseUrl}/api/processes/${id}`);
      const reason = (r.body as { failed_reason?: unknown } | undefined)?.failed_reason;
      return typeof reason === 'string' ? reason : undefined;
    },
  };
}

/**
 * BENCH_LONG_POLL_MS (opt-in, Baton only): status reads are long polls (`?wait=` with the ETag
 * of the last answer), so a poller hears of a change when it happens instead of asking every
 * BENCH_POLL_MS. The default run keeps plain polling, comparable with the other engines.
 */
function batonLongPollClient(baseUrl: string, waitMs: number): EngineClient {
  const seen = new Map<string, { etag: string; status?: string }>();
  return {
    ...batonShapedClient(baseUrl),
    async status(id) {
      const last = seen.get(id);
      const r = last
        ? await requestJson(
            'GET',
            `${baseUrl}/api/processes/${id}?wait=${waitMs}`,
            undefined,
            30_000,
            {
              'if-none-match': last.etag,
            },
          )
        : await requestJson('GET', `${baseUrl}/api/processes/${id}`);
      if (r.status === 304 && last) return last.status;
      expect(r.status, [200], 'status', r.body);
      const status = (r.body as { status?: string }).status;
      if (status === 'completed') seen.delete(id);
      else if (r.etag) seen.set(id, { etag: r.etag, status });
      return status;
    },
  };
}

export function engineClient(kind: EngineKind, baseUrl: string): EngineClient {
  if (kind === 'restate') return restateClient(baseUrl);
  if (kind === 'orchestrator-core') return orchestratorCoreClient(baseUrl);
  const longPollMs = Number(process.env.BENCH_LONG_POLL_MS ?? 0);
  if (kind === 'baton' && longPollMs > 0) return batonLongPollClient(baseUrl, longPollMs);
  return batonShapedClient(baseUrl);
}
