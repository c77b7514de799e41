import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { readJsonBody, requestJson, sendJson, sleep } from '../lib/http-json';

/**
 * The remote service every engine calls: LSO's API (`POST /api/playbook/`), answering 201
 * `{job_id}` and then calling back at once with the payload LSO's Ansible runner sends. It times
 * each callback POST, keyed by the process it belongs to.
 */
export interface CallbackTiming {
  postedAt: number;
  answeredAt: number;
  status: number;
}

const CALLBACK_RETRY_MS = 10_000;
const CALLBACK_RETRY_EVERY_MS = 10;
/** Longer than after a 409: an engine that failed on a callback may need a moment. */
const SERVER_ERROR_RETRY_EVERY_MS = 50;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface PlaybookRequest {
  callback?: string;
  extra_vars?: { process_id?: string };
}

/** The process a callback belongs to: in the callback URL, or (Restate's awakeable URLs) sent along. */
function processIdOf(request: PlaybookRequest): string | undefined {
  return UUID.exec(request.callback ?? '')?.[0] ?? request.extra_vars?.process_id;
}

export class FakeLso {
  readonly callbacks = new Map<string, CallbackTiming>();
  readonly failures: string[] = [];
  /** Callback POSTs refused with 409 (not awaiting yet) and sent again. */
  callbackRetries = 0;
  /**
   * Callback POSTs answered 5xx and sent again. orchestrator-core's callback endpoint answered
   * 500 in some warm-ups (once traced to a PostgreSQL deadlock in it); unanswered, its process
   * stayed waiting and the whole engine was left out of the report. Counted in a row of its own,
   * so an engine that needs it shows it.
   */
  callbackServerErrors = 0;
  private server?: http.Server;

  async listen(port: number): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/api/playbook')) {
      sendJson(res, 404, { detail: 'not found' });
      return;
    }
    const body = (await readJsonBody(req)) as PlaybookRequest;
    const jobId = randomUUID();
    res.once('finish', () => void this.callBack(body, jobId));
    sendJson(res, 201, { job_id: jobId });
  }

  private async callBack(request: PlaybookRequest, jobId: string): Promise<void> {
    const processId = processIdOf(request);
    if (!request.callback || !processId) {
      this.failures.push(`playbook request without callback or process id`);
      return;
    }
    const payload = {
      job_id: jobId,
      output: 'PLAY RECAP ok=3 changed=1',
      return_code: 0,
      status: 'successful',
    };
    try {
      let postedAt = performance.now();
      let answer = await requestJson('POST', request.callback, payload);
      // orchestrator-core refuses (409) a callback that arrives before its action step has been
      // stored, which a runner answering at once always does: try again, as a real runner would
      // have to, and time the attempt that was taken.
      const giveUpAt = postedAt + CALLBACK_RETRY_MS;
      while ((answer.status === 409 || answer.status >= 500) && performance.now() < giveUpAt) {
        const early = answer.status === 409;
        if (early) this.callbackRetries += 1;
        else this.callbackServerErrors += 1;
        await sleep(early ? CALLBACK_RETRY_EVERY_MS : SERVER_ERROR_RETRY_EVERY_MS);
        postedAt = performance.now();
        answer = await requestJson('POST', request.callback, payload);
      }
      this.callbacks.set(processId, {
        postedAt,
        answeredAt: performance.now(),
        status: answer.status,
      });
      if (answer.status >= 300)
        this.failures.push(`callback ${answer.status}: ${JSON.stringify(answer.body)}`);
    } catch (error) {
      this.failures.push(`callback failed: ${(error as Error).message}`);
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
