/**
 * The remote services a workflow's steps call (an Ansible runner, an inventory API), played by
 * the test. Every request a step makes is recorded; each must match a scripted route, and a
 * request no route expects fails the step and, more importantly, the test: the environment
 * throws UnexpectedRequestError from the next call the test awaits, naming the request, the
 * process and step that made it, and the routes that were scripted.
 */
import { HttpClient } from '../application/ports/http-client';
import { currentLogContext } from '../application/observability/log-context';

export interface RecordedRequest {
  method: 'POST';
  url: string;
  body: unknown;
  /** The process whose step made the request (undefined outside a step). */
  processId?: string;
  /** That step's name, as in the workflow definition. */
  step?: string;
  /** Virtual time of the request (ISO). */
  at: string;
}

export interface RemoteAnswer {
  status: number;
  body?: unknown;
}

/** What a route answers: a fixed answer, one computed from the request, or a network failure. */
export type RouteReply =
  | RemoteAnswer
  | ((request: RecordedRequest) => RemoteAnswer | Promise<RemoteAnswer>)
  | { networkError: string };

export type UrlMatcher = string | RegExp | ((url: string) => boolean);

interface Route {
  matcher: UrlMatcher;
  replies: RouteReply[];
  /** Replies once each, then the route is used up; otherwise the last reply repeats. */
  once: boolean;
  used: number;
}

export class UnexpectedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedRequestError';
  }
}

const describeMatcher = (m: UrlMatcher): string =>
  typeof m === 'string' ? m : m instanceof RegExp ? String(m) : '(url predicate)';

const matches = (m: UrlMatcher, url: string): boolean =>
  typeof m === 'string' ? m === url : m instanceof RegExp ? m.test(url) : m(url);

const preview = (body: unknown): string => {
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

export class ScriptedRemote implements HttpClient {
  private readonly routes: Route[] = [];
  private readonly recorded: RecordedRequest[] = [];
  private readonly unexpected: UnexpectedRequestError[] = [];

  constructor(
    private readonly now: () => Date,
    /** Names the step a process is at (set by the environment). */
    private readonly stepOf: (processId: string) => Promise<string | undefined> = async () =>
      undefined,
  ) {}

  /** Every POST to a matching URL gets `reply` (the last of several repeats). */
  onPost(url: UrlMatcher, ...replies: RouteReply[]): this {
    this.routes.push({
      matcher: url,
      replies: replies.length ? replies : [{ status: 200 }],
      once: false,
      used: 0,
    });
    return this;
  }

  /** The next POSTs to a matching URL get these replies, one each; then the route is used up. */
  oncePost(url: UrlMatcher, ...replies: RouteReply[]): this {
    this.routes.push({
      matcher: url,
      replies: replies.length ? replies : [{ status: 200 }],
      once: true,
      used: 0,
    });
    return this;
  }

  /** Requests made so far, oldest first (optionally only one process's). */
  requests(processId?: string): RecordedRequest[] {
    return this.recorded.filter((r) => processId === undefined || r.processId === processId);
  }

  /** Unexpected requests since the last call, for the environment to raise. */
  takeUnexpected(): UnexpectedRequestError[] {
    return this.unexpected.splice(0);
  }

  async post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const processId = currentLogContext()?.processId;
    const request: RecordedRequest = {
      method: 'POST',
      url,
      body: structuredClone(body),
      processId,
      step: processId === undefined ? undefined : await this.stepOf(processId),
      at: this.now().toISOString(),
    };
    this.recorded.push(request);
    const route = this.routes.find(
      (r) => matches(r.matcher, url) && (!r.once || r.used < r.replies.length),
    );
    if (!route) {
      const error = new UnexpectedRequestError(this.explain(request));
      this.unexpected.push(error);
      throw error; // the step fails; the test fails at its next await with this message
    }
    const reply = route.replies[Math.min(route.used, route.replies.length - 1)];
    route.used += 1;
    if (typeof reply === 'function') {
      const answer = await reply(request);
      return { status: answer.status, body: answer.body };
    }
    if ('networkError' in reply) throw new Error(reply.networkError);
    return { status: reply.status, body: reply.body };
  }

  private explain(request: RecordedRequest): string {
    const who =
      request.processId === undefined
        ? 'Code outside any step'
        : `Step "${request.step ?? '?'}" of process ${request.processId}`;
    const scripted = this.routes.length
      ? this.routes
          .map((r) => {
            const left = r.once ? ` (once, ${r.replies.length - r.used} left)` : '';
            return `  POST ${describeMatcher(r.matcher)}${left}`;
          })
          .join('\n')
      : '  (none)';
    return [
      `${who} made a request the script did not expect:`,
      `  POST ${request.url}`,
      `  body: ${preview(request.body)}`,
      'Scripted routes:',
      scripted,
      'Script it with env.remote.onPost(url, { status, body }) before the step runs.',
    ].join('\n');
  }
}
