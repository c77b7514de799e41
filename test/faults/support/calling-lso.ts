/**
 * An LSO stand-in that calls back by itself, like the real one: it answers a playbook request
 * with 201, then POSTs the result to the callback URL's path on one of the instances it is told
 * about (any instance may receive a callback). Like a well-behaved remote it retries a callback
 * that got no answer or a 5xx, on another instance, until it hears 200 (accepted or duplicate)
 * or a final refusal (404/409/410: the token is no longer wanted).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { SUCCESS, call } from '../../support/api';

export interface CallingLso {
  url: string;
  /** Bases of the instances callbacks may go to; the test edits it as instances come and go. */
  targets: string[];
  requests: number;
  /** Callback answers by status, for the report. */
  answers: Record<string, number>;
  close(): Promise<void>;
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

export interface CallingLsoOptions {
  /** Milliseconds before calling back (long enough for the action to return first). */
  delayMs?: number;
  /** The first run of each process reports failure (return_code 2); later runs succeed. */
  failFirst?: boolean;
  /** Sends one progress report before the result. */
  progress?: boolean;
}

const FAILED = { output: 'fatal', return_code: 2, status: 'failed' };

export const startCallingLso = async (
  targets: string[],
  options: CallingLsoOptions = {},
): Promise<CallingLso> => {
  const runs = new Map<string, number>();
  const lso: CallingLso = { url: '', targets, requests: 0, answers: {}, close: async () => {} };
  const post = (route: string, body: unknown) =>
    call('POST', `${pick(lso.targets)}${route}`, body).catch(() => ({ status: 0, body: null }));
  const deliver = async (route: string, fail: boolean): Promise<void> => {
    if (options.progress) await post(`${route}/progress`, { progress: ['TASK [render]'] });
    for (let attempt = 0; attempt < 600; attempt++) {
      const answer = await post(route, {
        ...SUCCESS,
        ...(fail ? FAILED : {}),
        job_id: route.slice(-8),
      });
      lso.answers[answer.status] = (lso.answers[answer.status] ?? 0) + 1;
      if (answer.status === 200 || [404, 409, 410].includes(answer.status)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      lso.requests += 1;
      const body = JSON.parse(text) as { callback: string };
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ job_id: `job-${lso.requests}` }));
      const route = new URL(body.callback).pathname;
      const processId = route.split('/')[3];
      const run = (runs.get(processId) ?? 0) + 1;
      runs.set(processId, run);
      const delay = options.delayMs ?? 20 + Math.random() * 80;
      setTimeout(() => void deliver(route, options.failFirst === true && run === 1), delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  lso.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  lso.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return lso;
};
