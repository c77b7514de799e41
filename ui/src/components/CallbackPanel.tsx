/**
 * Everything about the callbacks of a process, newest token first: when it was issued and
 * expires, the runner's progress lines as they arrive, the payload it sent back, and every
 * refused attempt with its reason. Tokens themselves are never known to the UI.
 */
import { formatTime, progressLines } from '../lib/format';
import type { CallbackAuditEntry } from '../lib/types';
import { StatusBadge } from './Feedback';
import { JsonBlock } from './JsonBlock';

const Payload = ({ payload }: { payload: Record<string, unknown> }) => {
  const { output, ...rest } = payload;
  return (
    <>
      <JsonBlock value={rest} label="Received payload" />
      {output !== undefined ? (
        <>
          <h4>Output</h4>
          <pre className="code scroll output" tabIndex={0} role="region" aria-label="Runner output">
            {Array.isArray(output)
              ? output.join('\n')
              : typeof output === 'string'
                ? output
                : JSON.stringify(output, null, 2)}
          </pre>
        </>
      ) : null}
    </>
  );
};

const Entry = ({ entry }: { entry: CallbackAuditEntry }) => {
  const lines = entry.progress.flatMap((p) => progressLines(p.progress));
  return (
    <article className="callback" data-token-id={entry.tokenId}>
      <div className="callback-head">
        <h3>{entry.stepName}</h3>
        <StatusBadge status={entry.status} />
      </div>
      <dl className="facts">
        <dt>Issued at</dt>
        <dd>{formatTime(entry.issuedAt)}</dd>
        <dt>Expires at</dt>
        <dd>{entry.expiresAt ? formatTime(entry.expiresAt) : 'no deadline'}</dd>
        {entry.receivedAt ? (
          <>
            <dt>Received at</dt>
            <dd>{formatTime(entry.receivedAt)}</dd>
          </>
        ) : null}
        {entry.revokedAt ? (
          <>
            <dt>Revoked at</dt>
            <dd>
              {formatTime(entry.revokedAt)} ({entry.revokedReason})
            </dd>
          </>
        ) : null}
        {entry.expiredAt ? (
          <>
            <dt>Expired at</dt>
            <dd>{formatTime(entry.expiredAt)}</dd>
          </>
        ) : null}
      </dl>
      <h4>Progress</h4>
      {lines.length > 0 ? (
        <pre
          className="code scroll progress"
          tabIndex={0}
          role="log"
          aria-label="Progress lines"
          aria-live="polite"
        >
          {lines.join('\n')}
        </pre>
      ) : (
        <p className="empty">No progress reported yet.</p>
      )}
      <h4>Result</h4>
      {entry.payload ? (
        <Payload payload={entry.payload} />
      ) : (
        <p className="empty">Waiting for the runner to call back.</p>
      )}
      {entry.rejections.length > 0 ? (
        <>
          <h4>Refused attempts</h4>
          <ul className="rejections">
            {entry.rejections.map((r, i) => (
              <li key={i}>
                {formatTime(r.at)}: <strong>{r.reason.replace(/_/g, ' ')}</strong> — {r.detail}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
};

export const CallbackPanel = ({ entries }: { entries: CallbackAuditEntry[] }) =>
  entries.length === 0 ? (
    <p className="empty">This process has not issued a callback.</p>
  ) : (
    <>
      {[...entries].reverse().map((e) => (
        <Entry key={e.tokenId} entry={e} />
      ))}
    </>
  );
