/**
 * Webhook subscriptions (admins): where each stands (checkpoint, lag, failures), why a paused
 * one stopped, its latest attempts, and the operator's actions: pause, resume, replay, delete.
 */
import { useState } from 'react';
import { Empty, ErrorMessage, Loading, StatusBadge } from '../../components/Feedback';
import { get, request } from '../../lib/api';
import { formatDuration, formatTime } from '../../lib/format';
import { useResource } from '../../lib/use-resource';
import { NewWebhookForm } from './NewWebhookForm';
import type { Webhook } from './webhook-types';

const Attempts = ({ id }: { id: string }) => {
  const detail = useResource(() => get<Webhook>(`/api/webhooks/${id}`), [id]);
  if (detail.error) return <ErrorMessage error={detail.error} />;
  if (!detail.data) return <Loading what="attempts" />;
  const attempts = detail.data.recentAttempts ?? [];
  if (attempts.length === 0) return <Empty>No deliveries yet.</Empty>;
  return (
    <table className="list">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Position</th>
          <th scope="col">Event</th>
          <th scope="col">Try</th>
          <th scope="col">Answer</th>
          <th scope="col">Took</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={`${a.at}-${a.position}-${a.attempt}`}>
            <td>{formatTime(a.at)}</td>
            <td className="mono">{a.position}</td>
            <td>{a.eventType}</td>
            <td>{a.attempt}</td>
            <td>
              {a.statusCode ?? '—'} {a.error ?? 'ok'}
            </td>
            <td>{formatDuration(a.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

const Row = ({ hook, changed }: { hook: Webhook; changed: () => void }) => {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<Error>();
  const act = async (method: string, suffix: string, body?: unknown) => {
    setError(undefined);
    try {
      await request(method, `/api/webhooks/${hook.id}${suffix}`, body);
      changed();
    } catch (failure) {
      setError(failure as Error);
    }
  };
  const replay = () => {
    const from = window.prompt('Deliver again every event at or after global position:', '0');
    if (from !== null && /^\d+$/.test(from.trim()))
      void act('POST', '/replay', { fromPosition: Number(from.trim()) });
  };
  return (
    <>
      <tr>
        <td className="mono">{hook.url}</td>
        <td>
          <StatusBadge status={hook.status} />
        </td>
        <td>{hook.eventTypes.join(', ') || 'all'}</td>
        <td>{hook.workflows.join(', ') || 'all'}</td>
        <td className="mono">
          {hook.position} / {hook.headPosition}
        </td>
        <td>{hook.behind ? formatDuration(hook.lagMs) : 'caught up'}</td>
        <td>{hook.delivered}</td>
        <td>{hook.failures}</td>
        <td>
          {hook.status === 'active' ? (
            <button type="button" onClick={() => void act('PUT', '/pause')}>
              Pause
            </button>
          ) : (
            <button type="button" onClick={() => void act('PUT', '/resume')}>
              Resume
            </button>
          )}{' '}
          <button type="button" onClick={replay}>
            Replay…
          </button>{' '}
          <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
            Attempts
          </button>{' '}
          <button
            type="button"
            onClick={() => {
              if (window.confirm(`Delete the subscription for ${hook.url}?`))
                void act('DELETE', '');
            }}
          >
            Delete
          </button>
        </td>
      </tr>
      {hook.pausedReason || error ? (
        <tr>
          <td colSpan={9}>
            {hook.pausedReason ? (
              <div className="error" role="status">
                Paused: {hook.pausedReason}
                {hook.failing
                  ? ` — event ${hook.failing.eventType} at position ${hook.failing.position}`
                  : ''}
              </div>
            ) : null}
            <ErrorMessage error={error} />
          </td>
        </tr>
      ) : null}
      {open ? (
        <tr>
          <td colSpan={9}>
            <Attempts id={hook.id} />
          </td>
        </tr>
      ) : null}
    </>
  );
};

export const WebhooksPage = () => {
  const hooks = useResource(() => get<Webhook[]>('/api/webhooks'), []);
  return (
    <section>
      <div className="page-head">
        <h1>Webhooks</h1>
      </div>
      <NewWebhookForm onCreated={hooks.reload} />
      <ErrorMessage error={hooks.error} />
      {hooks.loading && !hooks.data ? <Loading what="webhook subscriptions" /> : null}
      {hooks.data && hooks.data.length === 0 ? <Empty>No webhook subscriptions.</Empty> : null}
      {hooks.data && hooks.data.length > 0 ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Receiver</th>
              <th scope="col">Status</th>
              <th scope="col">Events</th>
              <th scope="col">Workflows</th>
              <th scope="col">Position / head</th>
              <th scope="col">Lag</th>
              <th scope="col">Delivered</th>
              <th scope="col">Failed tries</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {hooks.data.map((hook) => (
              <Row key={hook.id} hook={hook} changed={hooks.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
};
