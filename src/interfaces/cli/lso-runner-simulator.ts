/**
 * A SIMULATOR of an LSO-compatible Ansible runner, for demos and tests only: it runs no
 * playbook. It accepts `POST /api/playbook/` like LSO (201 `{job_id}`), then after a short delay
 * reports progress and calls back with `{job_id, output, return_code, status}`.
 * `POST /simulator/mode {"fail": true}` makes later jobs fail (return_code 2).
 */
import { randomUUID } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  delayMs?: number;
  fail?: boolean;
  log?: (message: string) => void;
}

export interface SimulatedJob {
  jobId: string;
  playbook: string;
  callback: string;
  progress?: string;
  extraVars: unknown;
  returnCode?: number;
  callbackStatus?: number;
}

export interface RunnerSimulator {
  url: string;
  jobs: SimulatedJob[];
  setFailing(fail: boolean): void;
  /** Resolves when every scheduled callback has been sent. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const readJson = (req: IncomingMessage): Promise<unknown> =>
  new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const post = (url: string, body: unknown, contentType = 'application/json') =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });

export const startRunnerSimulator = async (
  options: SimulatorOptions = {},
): Promise<RunnerSimulator> => {
  const delayMs = options.delayMs ?? 1500;
  const log = options.log ?? (() => undefined);
  let failing = options.fail ?? false;
  const jobs: SimulatedJob[] = [];
  const pending = new Set<Promise<void>>();

  const run = async (job: SimulatedJob) => {
    await new Promise((r) => setTimeout(r, delayMs / 2));
    if (job.progress)
      await post(job.progress, `PLAY [${job.playbook}] ***`, 'text/plain').catch(() => undefined);
    await new Promise((r) => setTimeout(r, delayMs / 2));
    job.returnCode = failing ? 2 : 0;
    const payload = {
      job_id: job.jobId,
      output: failing
        ? `PLAY RECAP ***\nfatal: [${job.playbook}]: FAILED! => {"msg": "simulated failure"}`
        : `PLAY RECAP ***\nok=3 changed=1 unreachable=0 failed=0`,
      return_code: job.returnCode,
      status: failing ? 'failed' : 'successful',
    };
    try {
      job.callbackStatus = (await post(job.callback, payload)).status;
      log(`job ${job.jobId}: called back, answer ${job.callbackStatus}`);
    } catch (e) {
      log(`job ${job.jobId}: callback failed: ${(e as Error).message}`);
    }
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method === 'POST' && req.url === '/api/playbook/') {
          const body = (await readJson(req)) as Record<string, unknown>;
          if (typeof body.playbook_name !== 'string' || typeof body.callback !== 'string') {
            return send(res, 422, { detail: 'playbook_name and callback are required' });
          }
          const job: SimulatedJob = {
            jobId: randomUUID(),
            playbook: body.playbook_name,
            callback: body.callback,
            progress: typeof body.progress === 'string' ? body.progress : undefined,
            extraVars: body.extra_vars,
          };
          jobs.push(job);
          log(
            `job ${job.jobId}: accepted playbook ${job.playbook}${failing ? ' (will fail)' : ''}`,
          );
          const done = run(job).finally(() => pending.delete(done));
          pending.add(done);
          return send(res, 201, { job_id: job.jobId });
        }
        if (req.method === 'POST' && req.url === '/simulator/mode') {
          const body = (await readJson(req)) as { fail?: unknown };
          failing = body.fail === true;
          return send(res, 200, { fail: failing });
        }
        send(res, 404, { detail: 'not found' });
      } catch {
        send(res, 400, { detail: 'invalid JSON' });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    jobs,
    setFailing: (fail) => (failing = fail),
    idle: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
