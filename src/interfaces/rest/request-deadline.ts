/**
 * A server-side deadline for every request: whatever a client sends (or stops sending) and
 * whatever a handler waits for, an answer leaves within `deadlineMs`. A body that has not fully
 * arrived by then is answered 408 and the connection closed (the client is the slow one); a
 * request still being handled is answered 503 with the outcome unknown, as a lost store
 * connection is. Streams (SSE) have sent their headers long before and are left alone.
 */
import { Server } from 'node:http';
import { NextFunction, Request, Response } from 'express';
import { errorBody } from './error.filter';

/** `REQUEST_DEADLINE_MS` unless configured. */
export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;

const answerLate = (req: Request, res: Response, deadlineMs: number): void => {
  if (res.headersSent || res.writableEnded) return;
  if (!req.complete) {
    // The handler may still be waiting for those bytes; closing the connection ends that wait.
    res.setHeader('Connection', 'close');
    res.once('finish', () => req.socket.destroy());
    res.status(408).json(errorBody(408, `Request body not received within ${deadlineMs} ms`));
    return;
  }
  res.setHeader('Retry-After', '1');
  res
    .status(503)
    .json(
      errorBody(
        503,
        `Not answered within the ${deadlineMs} ms request deadline: the outcome is unknown; read the process (or retry with the same Idempotency-Key) before repeating it`,
        { outcome: 'unknown' },
      ),
    );
};

export const requestDeadline =
  (deadlineMs: number) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => answerLate(req, res, deadlineMs), deadlineMs);
    // A pending deadline must not keep a closing server alive.
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    next();
  };

/**
 * Node's own limits as a backstop: headers that trickle in never reach the middleware. Node
 * checks these only every few seconds, so they bound such a hang rather than time an answer.
 */
export const limitNodeServer = (server: Server, deadlineMs: number): void => {
  server.headersTimeout = Math.min(server.headersTimeout || deadlineMs, deadlineMs);
  server.requestTimeout = deadlineMs;
};
