/**
 * Retry and Abort, offered only where the API allows them; refusals are shown, not swallowed.
 * Someone without the operator role sees them disabled, with the reason.
 */
import { useState } from 'react';
import { request } from '../lib/api';
import { mayOperate, useIdentity } from '../lib/identity';
import type { ProcessDetail } from '../lib/types';
import { ErrorMessage } from './Feedback';

const FINAL = ['completed', 'aborted'];

export const ProcessActions = ({
  detail,
  onDone,
}: {
  detail: ProcessDetail;
  onDone: () => void;
}) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [reason, setReason] = useState('');
  const permission = mayOperate(useIdentity());
  const notAllowed = permission.allowed ? undefined : permission.reason;
  const described = notAllowed ? 'actions-not-allowed' : undefined;
  const act = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      await request('PUT', `/api/processes/${detail.id}/${path}`, body);
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  // A parked process (whatever its status) is handed back to the runner by a retry.
  const canRetry =
    detail.status === 'failed' || detail.status === 'waiting' || Boolean(detail.parked);
  const canAbort = !FINAL.includes(detail.status);
  if (!canRetry && !canAbort) return null;
  return (
    <div className="actions">
      {canRetry ? (
        <button
          type="button"
          className="primary"
          disabled={busy || !!notAllowed}
          aria-describedby={described}
          onClick={() => act('retry')}
        >
          Retry
        </button>
      ) : null}
      {canAbort ? (
        <form
          className="abort"
          onSubmit={(e) => {
            e.preventDefault();
            if (window.confirm('Abort this process? Its open callback is revoked.'))
              void act('abort', reason ? { reason } : {});
          }}
        >
          <label htmlFor="abort-reason">Reason for aborting</label>
          <input
            id="abort-reason"
            value={reason}
            disabled={!!notAllowed}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="submit"
            className="danger"
            disabled={busy || !!notAllowed}
            aria-describedby={described}
          >
            Abort
          </button>
        </form>
      ) : null}
      {notAllowed ? (
        <p id={described} className="not-allowed">
          {notAllowed}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  );
};
