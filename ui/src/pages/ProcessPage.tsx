/** One process: where it is, what ran, its callbacks, and what the operator can do now. */
import { useEffect } from 'react';
import { CallbackPanel } from '../components/CallbackPanel';
import { ErrorMessage, Loading, StatusBadge } from '../components/Feedback';
import { JsonBlock } from '../components/JsonBlock';
import { Link } from '../components/Link';
import { ProcessActions } from '../components/ProcessActions';
import { SchemaForm } from '../components/SchemaForm';
import { StepFlow } from '../components/StepFlow';
import { StepTimeline } from '../components/StepTimeline';
import { get, request } from '../lib/api';
import { loadCallbackAudit } from '../lib/callback-audit';
import { formatTime } from '../lib/format';
import { mayConfirmStep, useIdentity } from '../lib/identity';
import { useLiveRefresh } from '../lib/live';
import type { ProcessDetail } from '../lib/types';
import { useResource } from '../lib/use-resource';

export const ProcessPage = ({ id }: { id: string }) => {
  const detail = useResource(() => get<ProcessDetail>(`/api/processes/${id}`), [id]);
  // Loaded again whenever the revision moves, asking for rows that show that revision.
  const callbacks = useResource(() => loadCallbackAudit(id, detail.data?.revision), [id]);
  const identity = useIdentity();
  const revision = detail.data?.revision;
  useEffect(() => {
    if (revision !== undefined) callbacks.reload();
  }, [revision]);
  useLiveRefresh(detail.reload, id);

  if (!detail.data) {
    return detail.error ? <ErrorMessage error={detail.error} /> : <Loading what="the process" />;
  }
  const d = detail.data;
  const confirmation = d.form ? mayConfirmStep(identity, d.form) : null;
  const refresh = () => {
    detail.reload();
    callbacks.reload();
  };
  return (
    <article className="process">
      <div className="page-head">
        <div>
          <h1>
            {d.workflow} <span className="mono muted">{d.id.slice(0, 8)}</span>
          </h1>
          <p className="muted">
            Started {formatTime(d.startedAt)} · updated {formatTime(d.updatedAt)} · revision{' '}
            {d.revision}
          </p>
        </div>
        <div className="head-status">
          <span className="sr-only">Status</span>
          <StatusBadge status={d.status} />
          <Link href={`/processes/${d.id}/audit`}>Audit trail</Link>
        </div>
      </div>
      {/* A failed refresh keeps the last good page and says why. */}
      <ErrorMessage error={detail.error} />
      {d.parked ? (
        // The runner has given up on this process (for example its workflow version is not
        // deployed any more): say why, and that retrying hands it back.
        <section className="failure" aria-labelledby="parked-title">
          <h2 id="parked-title">Parked: {d.parked.reason}</h2>
          <p>Since {formatTime(d.parked.at)}. The runner does not drive it until it is retried.</p>
        </section>
      ) : null}
      {d.failure ? (
        <section className="failure" aria-labelledby="failure-title">
          <h2 id="failure-title">Failed: {d.failedReason}</h2>
          <p>
            In step <strong>{d.failure.step}</strong>
            {d.failure.retryable ? ' (retryable)' : ''}
            {d.failure.retryAt ? `, next automatic retry ${formatTime(d.failure.retryAt)}` : ''}
          </p>
          <JsonBlock value={d.failure.details} label="Failure details" />
        </section>
      ) : null}
      {d.status === 'suspended' && d.form ? (
        <section className="card confirm" aria-labelledby="form-title">
          <h2 id="form-title">{d.form.title}</h2>
          <p className="muted">
            Step “{d.form.step}”, for {d.form.assignee}
          </p>
          <SchemaForm
            key={`${d.form.step}-${d.id}`}
            idPrefix="confirm"
            schema={d.form.schema}
            values={d.form.values}
            submitLabel="Confirm"
            notAllowed={confirmation?.allowed === false ? confirmation.reason : undefined}
            onSubmit={async (values) => {
              await request('PUT', `/api/processes/${d.id}/resume`, values);
              refresh();
            }}
          />
        </section>
      ) : null}
      <ProcessActions detail={d} onDone={refresh} />
      <div className="columns">
        <section aria-labelledby="flow-title" className="card">
          <h2 id="flow-title">Steps</h2>
          <StepFlow steps={d.steps} current={d.currentStep} />
        </section>
        <div>
          <section aria-labelledby="callback-title" className="card">
            <h2 id="callback-title">Callback</h2>
            <ErrorMessage error={callbacks.error} />
            {callbacks.data ? (
              <CallbackPanel entries={callbacks.data} />
            ) : (
              <Loading what="callbacks" />
            )}
          </section>
          <section aria-labelledby="timeline-title" className="card">
            <h2 id="timeline-title">Timeline</h2>
            <StepTimeline steps={d.steps} />
          </section>
        </div>
      </div>
      <details className="card">
        <summary>Current state</summary>
        <JsonBlock value={d.state} label="Current state" />
      </details>
    </article>
  );
};
