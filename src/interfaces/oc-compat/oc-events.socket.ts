/**
 * orchestrator-core's websocket, `/oc/api/ws/events`, which OC's UI needs to refresh without a
 * reload: the client pings with `__ping__` (answered `__pong__`), the server tells it which
 * cached lists to drop, `{"name":"invalidateCache","value":{"type":"processes","id":…}}`, once
 * for each changed process and once as `LIST`. Fed by Baton's process change fan-out (the
 * event store's subscription), so it says nothing that was not committed.
 *
 * It is not an HTTP route, so the AuthGuard does not see it: the upgrade is authenticated here,
 * the same credential as anywhere, auditor at least; a refused upgrade gets 401/403 and never
 * becomes a socket. A browser cannot set headers on a WebSocket, so besides the header it is
 * taken from `?token=`, or from the subprotocols OC's UI offers when signed in through
 * next-auth: `base64.bearer.token, <access token>`. The server then picks `base64.bearer.token`
 * (a browser drops a socket whose offered protocols were all refused) and never echoes the token.
 */
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { ProcessChangeFeed } from '../../application/feed/process-change-feed';
import { ProjectionRunner } from '../../application/projections/projection-runner';
import { RecordedEvent } from '../../application/ports/event-store';
import { hasRole } from '../../domain/access/roles';
import { processIdOfStream } from '../../domain/process/events';
import { Authenticator } from '../auth/authenticator';

export const OC_EVENTS_PATH = '/oc/api/ws/events';
/** Changes within this window go out together (one `LIST` for a burst of events). */
export const INVALIDATE_WINDOW_MS = 100;
const MAX_MESSAGE_BYTES = 1024;
/** The subprotocol OC's UI offers first, followed by its access token as a second one. */
export const BEARER_SUBPROTOCOL = 'base64.bearer.token';
/**
 * How long an invalidation waits for the read models to apply the change it announces (the UI
 * refetches at once, and a refetch before that shows the old state until the next change). A
 * read model still behind after this (rebuilding, parked) does not hold the UI back longer.
 */
export const READ_MODEL_WAIT_MS = 5_000;
const READ_MODEL_POLL_MS = 20;

const invalidate = (id: string) =>
  JSON.stringify({ name: 'invalidateCache', value: { type: 'processes', id } });

@Injectable()
export class OcEventsSocket implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OcEventsSocket.name);
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => (offered.has(BEARER_SUBPROTOCOL) ? BEARER_SUBPROTOCOL : false),
  });
  private server: Server | null = null;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(req) !== OC_EVENTS_PATH) return; // another path's upgrade (GraphQL's)
    void this.upgrade(req, socket, head);
  };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: Authenticator,
    private readonly feed: ProcessChangeFeed,
    private readonly projections: ProjectionRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter?.getHttpServer() ?? null;
    this.server?.on('upgrade', this.onUpgrade);
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const token =
      new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? subprotocolToken(req);
    const headers = token ? { ...req.headers, authorization: `Bearer ${token}` } : req.headers;
    const actor = await this.authenticator.authenticate(headers).catch(() => null);
    const refusal = !actor
      ? '401 Unauthorized'
      : !hasRole(actor, 'auditor')
        ? '403 Forbidden'
        : null;
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.serve(ws));
  }

  private async serve(ws: WebSocket): Promise<void> {
    // Listen before anything is awaited: a ping sent right after the handshake is not lost.
    let closed = false;
    let changes: AsyncIterableIterator<RecordedEvent> | null = null;
    let timer: NodeJS.Timeout | null = null;
    ws.on('message', (data) => {
      if (data.toString() === '__ping__') ws.send('__pong__');
    });
    ws.on('close', () => {
      closed = true;
      if (timer) clearTimeout(timer);
      void changes?.return?.();
    });
    const pending = new Set<string>();
    let upTo = 0;
    const flush = async () => {
      const ids = [...pending];
      pending.clear();
      await this.readModelsAt(upTo);
      // Changes that came in while waiting go out in the next window.
      timer = pending.size > 0 ? setTimeout(() => void flush(), INVALIDATE_WINDOW_MS) : null;
      if (ws.readyState !== WebSocket.OPEN) return;
      for (const id of ids) ws.send(invalidate(id));
      ws.send(invalidate('LIST'));
    };
    try {
      changes = await this.feed.follow();
      if (closed) return void changes.return?.();
      for await (const event of changes) {
        const id = processIdOfStream(event.streamId);
        if (id === null) continue;
        pending.add(id);
        upTo = Math.max(upTo, event.position);
        timer ??= setTimeout(() => void flush(), INVALIDATE_WINDOW_MS);
      }
    } catch (error) {
      // A follower too slow for the feed is ended; the UI reconnects and reloads its lists.
      this.logger.warn(`OC events socket ended: ${(error as Error).message}`);
      ws.close(1011, 'event feed ended');
    }
  }

  /** Resolves when every read model has applied the store up to `position` (or after the bound). */
  private async readModelsAt(position: number): Promise<void> {
    const deadline = Date.now() + READ_MODEL_WAIT_MS;
    for (;;) {
      const where = await this.projections.where().catch(() => []);
      if (where.every((p) => p.position >= position) || Date.now() >= deadline) return;
      await new Promise((r) => setTimeout(r, READ_MODEL_POLL_MS));
    }
  }
}

const pathOf = (req: IncomingMessage): string => (req.url ?? '').split('?')[0];

/** The token after `base64.bearer.token` in Sec-WebSocket-Protocol, if offered that way. */
function subprotocolToken(req: IncomingMessage): string | null {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const at = offered.indexOf(BEARER_SUBPROTOCOL);
  return at >= 0 && offered[at + 1] ? offered[at + 1] : null;
}
