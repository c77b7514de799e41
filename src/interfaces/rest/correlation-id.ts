/**
 * One id per request, shared by its log lines, the events it appends (metadata.correlationId)
 * and the answer (`X-Request-Id`), so an operator can go from a client's error to the log and
 * the history. A caller's `X-Request-Id` (or the older `X-Correlation-Id`) is kept; otherwise one
 * is generated.
 */
import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const LEGACY_HEADER = 'x-correlation-id';
type WithCorrelationId = IncomingMessage & { correlationId?: string };

/** A header's value, trimmed, at most 100 characters; undefined when absent or blank. */
export const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 100) : undefined;
};

/** The request's correlation id, decided once and echoed in the answer's `X-Request-Id`. */
export const correlationIdOf = (req: IncomingMessage, res?: ServerResponse): string => {
  const tagged = req as WithCorrelationId;
  if (tagged.correlationId === undefined) {
    tagged.correlationId =
      header(req, REQUEST_ID_HEADER) ?? header(req, LEGACY_HEADER) ?? randomUUID();
    if (res && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, tagged.correlationId);
  }
  return tagged.correlationId;
};

const PROCESS_PATH = /^\/api\/processes\/([0-9a-fA-F-]{36})(?:[/?]|$)/;

/** The process a request is about, when its path names one (for log lines). */
export const processIdOfPath = (path: string): string | undefined => PROCESS_PATH.exec(path)?.[1];
