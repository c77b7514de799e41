/**
 * Baton instances as real child processes (compiled), on one PostgreSQL, and a client that
 * drives create_l2vpn processes through whichever instances are alive, the way a load balancer
 * would: a request that finds an instance gone or unavailable goes again, to another one, with
 * the same Idempotency-Key, so retries never start or confirm anything twice.
 */
import { Answer, L2VPN_INPUT, call } from '../../support/api';
import { freePort } from '../../support/postgres';
import { ServiceProcess, startServiceProcess } from '../../support/service-process';
import { StoredEvent } from './history-checks';

export const startInstance = async (
  databaseUrl: string,
  lsoUrl: string,
  extra: Record<string, string> = {},
  fixedPort?: number,
): Promise<ServiceProcess> => {
  const port = String(fixedPort ?? (await freePort()));
  return startServiceProcess(
    {
      PORT: port,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: databaseUrl,
      ANSIBLE_PROXY_URL: lsoUrl,
      RUNNER_SIMULATOR: 'off',
      LOG_LEVEL: 'log',
      OWNERSHIP_CHECK_MS: '1000',
      TIMER_POLL_MS: '500',
      ...extra,
    },
    120_000,
    { compiled: true },
  );
};

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ClusterClient {
  constructor(readonly alive: () => string[]) {}

  /** Sends until an instance gives a final answer (anything but no answer or a 5xx). */
  async send(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 120_000,
  ): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await call(method, `${pick(this.alive())}${path}`, body, headers).catch(
        () => ({ status: 0, body: null }),
      );
      if (answer.status !== 0 && answer.status < 500) return answer;
      if (Date.now() > deadline) throw new Error(`${method} ${path}: last answer ${answer.status}`);
      await pause(100);
    }
  }

  async waitForStatus(id: string, status: string, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.send('GET', `/api/processes/${id}`);
      if (body?.status === status) return;
      if (Date.now() > deadline)
        throw new Error(`process ${id} is ${body?.status}, not ${status}: ${JSON.stringify(body)}`);
      await pause(50);
    }
  }

  /** Start, wait for the operator's form, confirm, wait for completion. */
  async runL2vpn(key: string, onStarted?: (id: string) => void): Promise<string> {
    const started = await this.send('POST', '/api/processes/create_l2vpn', L2VPN_INPUT, {
      'idempotency-key': key,
    });
    if (started.status !== 201) throw new Error(`start answered ${started.status}`);
    const id = started.body.id as string;
    onStarted?.(id);
    await this.waitForStatus(id, 'suspended');
    const resumed = await this.send(
      'PUT',
      `/api/processes/${id}/resume`,
      {},
      {
        'idempotency-key': `${key}-confirm`,
      },
    );
    if (resumed.status !== 204) throw new Error(`resume answered ${resumed.status}`);
    await this.waitForStatus(id, 'completed');
    return id;
  }

  async events(id: string): Promise<StoredEvent[]> {
    return (await this.send('GET', `/api/processes/${id}/events`)).body;
  }
}

/** Runs `work` for 0..count-1 with at most `concurrency` at once; resolves with every result. */
export const inParallel = async <T>(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<T>,
): Promise<T[]> => {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
};
