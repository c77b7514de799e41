/**
 * The process detail is what clients poll. Its representation is a function of the process
 * revision, so the revision is its strong ETag (a poller that sends If-None-Match gets 304 and
 * no body), and its JSON is serialised once per revision, not once per poll.
 */
import { Request, Response } from 'express';
import { ProcessDetail } from '../../application/queries/process-detail';

/** Bump when the detail's JSON shape changes, so clients do not keep an old shape on a 304. */
const REPRESENTATION = 'd1';

const serialised = new WeakMap<ProcessDetail, string>();

export const detailEtag = (detail: ProcessDetail): string =>
  `"${REPRESENTATION}.${detail.id}.${detail.revision}"`;

export const sendDetail = (req: Request, res: Response, detail: ProcessDetail): void => {
  const etag = detailEtag(detail);
  res.setHeader('ETag', etag);
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
    res.status(304).end();
    return;
  }
  let json = serialised.get(detail);
  if (json === undefined) {
    json = JSON.stringify(detail);
    serialised.set(detail, json);
  }
  res.status(200).type('application/json').send(json);
};
