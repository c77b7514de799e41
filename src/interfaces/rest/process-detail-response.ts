/**
 * The process detail is what clients poll. Its representation is a function of the process
 * revision, so the revision is its strong ETag (a poller that sends If-None-Match gets 304 and
 * no body), and its JSON is serialised once per revision, not once per poll.
 */
import { Request, Response } from 'express';
import { ProcessDetail } from '../../application/queries/process-detail';

/** Bump when the detail's JSON shape changes, so clients do not keep an old shape on a 304. */
const REPRESENTATION = 'd1';

const serialised = new WeakMap<ProcessDetail, Buffer>();

export const detailEtag = (detail: ProcessDetail): string =>
  `"${REPRESENTATION}.${detail.id}.${detail.revision}"`;

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
