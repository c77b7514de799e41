/**
 * The CLI's one way to reach the service: the same HTTP API the operator UI uses. It turns an
 * answer into data, a refusal into exit code 1 with the service's own message, and a network
 * failure into exit code 4. The API key goes out in a header and never into a message.
 */
import { CliFailure, ExitCode, usageError } from './exit-codes';

export const DEFAULT_URL = 'http://localhost:8080';
const REQUEST_TIMEOUT_MS = 30_000;

export interface Connection {
  url: string;
  key?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Streams (the SSE feed) must not time out; everything else does. */
  timeoutMs?: number | null;
  signal?: AbortSignal;
}

interface FieldError {
  property: string;
  constraints?: Record<string, string>;
}

const describeRefusal = (status: number, body: unknown, text: string): string => {
  const answer = (body ?? {}) as { error?: string; message?: string; validationErrors?: unknown };
  const fields = Array.isArray(answer.validationErrors)
    ? (answer.validationErrors as FieldError[]).map(
        (f) => `\n  ${f.property}: ${Object.values(f.constraints ?? {}).join('; ')}`,
      )
    : [];
  const message = answer.message ?? (text.trim().slice(0, 200) || 'no message');
  const hint =
    status === 401
      ? ' (set --key or BATON_API_KEY)'
      : status === 403
        ? ' (the key lacks the role)'
        : '';
  return `${status} ${answer.error ?? 'Error'}: ${message}${hint}${fields.join('')}`;
};

/** What went wrong on the wire, without the key (fetch errors never carry headers, but be sure). */
const describeNetworkFailure = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  if (name === 'TimeoutError') return 'no answer in time';
  // fetch refuses ports of other protocols (6000, 9, 25, …) before connecting at all.
  if (message === 'bad port' || cause?.message === 'bad port')
    return 'fetch refuses this port (reserved for another protocol); use another one';
  return cause?.code ?? cause?.message ?? message ?? String(error);
};

export class ApiClient {
  readonly baseUrl: URL;

  constructor(
    private readonly connection: Connection,
    private readonly fetcher: typeof fetch,
    /** Ctrl-C: aborts whatever request is in flight. */
    private readonly interrupt?: AbortSignal,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(connection.url);
    } catch {
      throw usageError(`--url ${JSON.stringify(connection.url)} is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw usageError(`--url must be http:// or https://, not ${parsed.protocol}`);
    this.baseUrl = parsed;
  }

  url(path: string, query: RequestOptions['query'] = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl.href.replace(/\/?$/, '/'));
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** The raw answer of any status; throws only when the service cannot be reached. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.connection.key) headers.authorization = `Bearer ${this.connection.key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout =
      options.timeoutMs === null ? undefined : (options.timeoutMs ?? REQUEST_TIMEOUT_MS);
    const signals = [
      this.interrupt,
      options.signal,
      timeout ? AbortSignal.timeout(timeout) : undefined,
    ].filter((s): s is AbortSignal => s !== undefined);
    const target = this.url(path, options.query);
    try {
      return await this.fetcher(target, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
    } catch (error) {
      if (options.signal?.aborted || this.interrupt?.aborted) throw error;
      throw new CliFailure(
        ExitCode.Unreachable,
        `cannot reach Baton at ${this.baseUrl.origin}: ${this.scrub(describeNetworkFailure(error))}`,
      );
    }
  }

  /** The JSON answer of a 2xx; anything else is a CliFailure with the service's message. */
  async call<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (!response.ok) throw await this.refusal(method, path, response);
    const text = await response.text();
    try {
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch {
      throw new CliFailure(
        ExitCode.Refused,
        `${method} ${path}: the answer is not JSON (is ${this.baseUrl.origin} a Baton service?)`,
      );
    }
  }

  /** The exit-code-1 failure for a non-2xx answer, with the service's own message. */
  async refusal(method: string, path: string, response: Response): Promise<CliFailure> {
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return new CliFailure(
      ExitCode.Refused,
      `${method} ${path}: ${this.scrub(describeRefusal(response.status, body, text))}`,
    );
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.call<T>('GET', path, { query });
  }

  /** Removes the key from any text that might be printed. */
  scrub(text: string): string {
    const key = this.connection.key;
    return key ? text.split(key).join('***') : text;
  }
}
