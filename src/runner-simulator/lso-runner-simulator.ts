/**
 * A SIMULATOR of an LSO-compatible Ansible runner, for demos and tests only: it runs no
 * playbook. It speaks LSO 5.2's API as the interop test saw it (lso/routes/playbook.py,
 * lso/tasks.py): `POST /api/playbook/` answers 201 `{job_id}` (422 with a FastAPI detail list
 * without playbook_name or inventory; callback and progress are optional), then each Ansible
 * event is posted to `progress` as JSON `{"progress": [lines]}`, and finally `callback` gets
 * `{status, job_id, output: [lines], return_code}`.
 * `POST /simulator/mode {"fail": true}` makes later jobs fail (return_code 2, like
 * ansible-playbook when a host fails).
 */
import { randomUUID } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { inventoryHosts, simulatedRunEvents } from './simulated-playbook-run';

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
  callback?: string;
  progress?: string;
  hosts: string[];
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

/** LSO posts with `requests.post(url, json=...)` and REQUEST_TIMEOUT_SEC (default 10). */
const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });

/** FastAPI's 422 body entry for a missing required field, as LSO answers it. */
const missingField = (field: string) => ({
  type: 'missing',
  loc: ['body', field],
  msg: 'Field required',
  input: null,
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
    const fail = failing;
    const events = simulatedRunEvents(job.playbook, job.hosts, fail);
    const pause = delayMs / events.length;
    for (const lines of events) {
      await new Promise((r) => setTimeout(r, pause));
      // LSO posts progress synchronously and ignores the answer (no raise_for_status).
      if (job.progress) await post(job.progress, { progress: lines }).catch(() => undefined);
    }
    job.returnCode = fail ? 2 : 0;
    if (!job.callback) return;
    const payload = {
      status: fail ? 'failed' : 'successful',
      job_id: job.jobId,
      output: events.flat(),
      return_code: job.returnCode,
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
          const missing = ['playbook_name', 'inventory'].filter((f) => body[f] === undefined);
          if (missing.length > 0) return send(res, 422, { detail: missing.map(missingField) });
          const job: SimulatedJob = {
            jobId: randomUUID(),
            playbook: String(body.playbook_name),
            callback: typeof body.callback === 'string' ? body.callback : undefined,
            progress: typeof body.progress === 'string' ? body.progress : undefined,
            hosts: inventoryHosts(body.inventory),
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
