/** The raw event history of a process: who did what, when, and whether the chain is intact. */
import { ErrorMessage, Loading } from '../components/Feedback';
import { JsonBlock } from '../components/JsonBlock';
import { Link } from '../components/Link';
import { get, getOptional } from '../lib/api';
import { formatTime } from '../lib/format';
import type { ChainVerdict, HistoryEvent } from '../lib/types';
import { useResource } from '../lib/use-resource';

/** What the chain and the ledger found, by revision. */
const problemsOf = (verdict: ChainVerdict): Array<{ revision: number; problem: string }> => [
  ...(verdict.problems ?? []),
  ...(verdict.ledger?.problems ?? []),
];

const Verdict = ({ verdict }: { verdict: ChainVerdict }) => {
  const unhashed = verdict.unhashedPrefix
    ? ` ${verdict.unhashedPrefix} earlier events were written before hashing${
        verdict.sealedAt !== null ? `, sealed by revision ${verdict.sealedAt}` : ''
      }.`
    : '';
  const problems = problemsOf(verdict);
  if (verdict.intact)
    return (
      <div className="verdict ok" role="status">
        Hash chain intact
        {verdict.verified !== undefined ? `: ${verdict.verified} events verified.` : '.'}
        {unhashed}
      </div>
    );
  return (
    <div className="verdict broken" role="alert">
      Hash chain broken
      {verdict.firstBadRevision !== undefined ? ` from revision ${verdict.firstBadRevision}` : ''}:
      the history was changed after it was written.
      {problems.length ? (
        <ul>
          {problems.map((p) => (
            <li key={`${p.revision}-${p.problem}`}>
              revision {p.revision}: {p.problem.replace(/_/g, ' ')}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
};

export const AuditPage = ({ id }: { id: string }) => {
  const events = useResource(() => get<HistoryEvent[]>(`/api/processes/${id}/events`), [id]);
  const verdict = useResource(() => getOptional<ChainVerdict>(`/api/processes/${id}/verify`), [id]);
  return (
    <section>
      <div className="page-head">
        <h1>
          Audit trail <span className="mono muted">{id.slice(0, 8)}</span>
        </h1>
        <Link href={`/processes/${id}`}>Back to the process</Link>
      </div>
      {verdict.data ? <Verdict verdict={verdict.data} /> : null}
      <ErrorMessage error={events.error ?? verdict.error} />
      {events.loading && !events.data ? <Loading what="events" /> : null}
      {events.data ? (
        <table className="list audit">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Event</th>
            </tr>
          </thead>
          <tbody>
            {events.data.map((e) => (
              <tr
                key={e.revision}
                className={
                  verdict.data && problemsOf(verdict.data).some((p) => p.revision === e.revision)
                    ? 'tampered'
                    : undefined
                }
              >
                <td data-label="#">{e.revision}</td>
                <td data-label="When">{formatTime(e.metadata.at)}</td>
                <td data-label="Who">{e.metadata.actor ?? '—'}</td>
                <td data-label="Event">
                  <details>
                    <summary>{e.type}</summary>
                    <JsonBlock
                      value={{ data: e.data, metadata: e.metadata }}
                      label={`${e.type} at revision ${e.revision}`}
                    />
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
