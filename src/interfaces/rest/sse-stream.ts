/**
 * One Server-Sent Events answer: headers that stop proxies from buffering or closing it,
 * heartbeat comments while it is idle, and writes that wait for the client to drain instead of
 * piling up in memory. Ends on client disconnect or `end()`, exactly once.
 */
import { Request, Response } from 'express';

export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

export class SseStream {
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  private readonly endListeners: Array<() => void> = [];

  constructor(
    req: Request,
    private readonly res: Response,
    heartbeatMs: number,
  ) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // nginx: pass events through as they come
    });
    res.write(': connected\n\n');
    req.socket.setKeepAlive(true);
    req.socket.setNoDelay(true);
    res.on('close', () => this.finish());
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => {
        if (!this.res.writableNeedDrain)
          this.res.write(`: heartbeat ${new Date().toISOString()}\n\n`);
      }, heartbeatMs);
      this.heartbeat.unref();
    }
  }

  get open(): boolean {
    return !this.ended;
  }

  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  /** Writes the messages as one chunk; resolves once the client can take more (or is gone). */
  async send(messages: readonly SseMessage[]): Promise<void> {
    if (this.ended) return;
    const chunk = messages
      .map((m) => `id: ${m.id}\nevent: ${m.event}\ndata: ${m.data}\n\n`)
      .join('');
    if (this.res.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(): void {
    if (!this.ended) this.res.end();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const listener of this.endListeners.splice(0)) listener();
  }
}
