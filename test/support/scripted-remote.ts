import { HttpClient } from '../../src/application/ports/http-client';

export interface RemoteRequest {
  url: string;
  body: Record<string, unknown>;
}

/**
 * Stands in for the remote runner (LSO): records what steps send and answers as scripted. The
 * test itself then plays the remote service and calls back whenever it chooses.
 */
export class ScriptedRemote implements HttpClient {
  readonly requests: RemoteRequest[] = [];
  /** Runs before the answer is returned: lets a test call back while the action is in flight. */
  beforeAnswer: (request: RemoteRequest) => Promise<void> | void = () => undefined;
  answer: (request: RemoteRequest) => { status: number; body: unknown } = () => ({
    status: 201,
    body: { job_id: `job-${this.requests.length}` },
  });

  async post(url: string, body: unknown) {
    const request = { url, body: body as Record<string, unknown> };
    this.requests.push(request);
    await this.beforeAnswer(request);
    return this.answer(request);
  }

  /** The callback URL handed out by the n-th request (1-based), waiting until it is sent. */
  async callbackUrl(n = this.requests.length || 1, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < n) {
      if (Date.now() > deadline)
        throw new Error(`no request #${n} to the remote within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return String(this.requests[n - 1].body.callback);
  }

  /**
   * The latest callback URL handed out for one process, waiting until it is sent. Processes run
   * concurrently, so the order of their requests is not the order they were started in.
   */
  async callbackUrlOf(processId: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mine = this.requests
        .map((r) => String(r.body.callback))
        .filter((url) => url.includes(`/processes/${processId}/callback/`));
      if (mine.length > 0) return mine[mine.length - 1];
      if (Date.now() > deadline)
        throw new Error(`no callback URL for process ${processId} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
