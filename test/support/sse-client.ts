/**
 * A Server-Sent Events consumer for tests: opens the stream with fetch, parses messages and
 * comments as they arrive, and can hang up at any moment (a consumer that goes away mid-stream).
 */
import { TEST_KEYS } from './auth';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private wake: (() => void) | undefined;
  private failure: unknown;
  ended = false;

  private constructor(
    readonly status: number,
    readonly contentType: string | null,
    private readonly abort: AbortController,
  ) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      // Authenticated as the test admin unless the caller sends its own credential.
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${TEST_KEYS.admin}`,
        ...headers,
      },
      signal: abort.signal,
    });
    const client = new SseClient(response.status, response.headers.get('content-type'), abort);
    if (response.body) void client.pump(response.body);
    return client;
  }

  /** Resolves once `until` holds; fails after `timeoutMs` or if the stream broke. */
  async waitFor(until: (client: SseClient) => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!until(this)) {
      if (this.failure !== undefined) throw this.failure;
      if (Date.now() > deadline) {
        throw new Error(
          `stream condition not met within ${timeoutMs} ms (${this.messages.length} messages, ended ${this.ended})`,
        );
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
  }

  /** Hangs up, as a consumer that crashes or loses its connection does. */
  close(): void {
    this.abort.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        this.parse();
        this.wake?.();
      }
    } catch (error) {
      if (!this.abort.signal.aborted) this.failure = error;
    } finally {
      this.ended = true;
      this.wake?.();
    }
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { data: '' };
      let isMessage = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        isMessage = true;
        if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
        else if (field === 'data') message.data += message.data ? `\n${value}` : value;
      }
      if (isMessage) this.messages.push(message);
    }
  }
}
