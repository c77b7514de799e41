/**
 * The process detail is what clients poll. Its representation is a function of the process
 * revision, so the revision is its strong ETag (a poller that sends If-None-Match gets 304 and
 * no body), and its JSON is serialised once per revision, not once per poll.
 */
import { Request, Response } from 'express';
import { ProcessDetail } from '../../application/queries/process-detail';
import { ValidationError } from '../../domain/errors';

/** Bump when the detail's JSON shape changes, so clients do not keep an old shape on a 304. */
const REPRESENTATION = 'd1';

const serialised = new WeakMap<ProcessDetail, Buffer>();

export const detailEtag = (detail: ProcessDetail): string =>
  `"${REPRESENTATION}.${detail.id}.${detail.revision}"`;

/** The longest a long poll (`?wait=`) is held; longer asks are shortened to this. */
export const MAX_LONG_POLL_MS = 20_000;

/** The revision of this process that an If-None-Match names, if it names one of its ETags. */
const revisionSeen = (ifNoneMatch: string | undefined, processId: string): number | undefined => {
  if (ifNoneMatch === undefined) return undefined;
  const prefix = `"${REPRESENTATION}.${processId}.`;
  for (const tag of ifNoneMatch.split(/\s*,\s*/)) {
    if (!tag.startsWith(prefix) || !tag.endsWith('"')) continue;
    const revision = tag.slice(prefix.length, -1);
    if (/^\d{1,15}$/.test(revision)) return Number(revision);
  }
  return undefined;
};

/**
 * A long poll: `?wait=<ms>` with an If-None-Match naming the revision the client has. The
 * answer then waits (at most MAX_LONG_POLL_MS) until the process moves past that revision, and
 * is the new detail (200) or, if nothing changed in time, 304. Without a matching ETag the
 * answer comes at once, as without `wait`. A client gone away releases the wait.
 */
export const longPollOf = (
  req: Request,
  res: Response,
  processId: string,
): { revision: number; timeoutMs: number; signal: AbortSignal } | undefined => {
  // Express parses the query string anew on every read of req.query: polls carry none.
  if (!req.url.includes('?')) return undefined;
  const raw = req.query.wait;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw))
    throw new ValidationError('wait must be a whole number of milliseconds');
  const timeoutMs = Math.min(Number(raw), MAX_LONG_POLL_MS);
  const revision = revisionSeen(req.headers['if-none-match'], processId);
  if (revision === undefined || timeoutMs === 0) return undefined;
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  return { revision, timeoutMs, signal: gone.signal };
};

/**
 * Written with Node's own response methods: Express's `send` would work out the content type,
 * length, freshness and ETag again for every poll of a body that is already a finished string.
 */
export const sendDetail = (req: Request, res: Response, detail: ProcessDetail): void => {
  const etag = detailEtag(detail);
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
    res.writeHead(304, { ETag: etag }).end();
    return;
  }
  let json = serialised.get(detail);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(detail));
    serialised.set(detail, json);
  }
  res
    .writeHead(200, {
      ETag: etag,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': json.length,
    })
    .end(json);
};
