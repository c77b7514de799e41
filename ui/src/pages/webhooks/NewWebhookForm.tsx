/** Subscribe a receiver; the secret Baton makes is shown here once and never again. */
import { FormEvent, useState } from 'react';
import { ErrorMessage } from '../../components/Feedback';
import { request } from '../../lib/api';
import type { Webhook } from './webhook-types';

const names = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export const NewWebhookForm = ({ onCreated }: { onCreated: () => void }) => {
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState('');
  const [workflows, setWorkflows] = useState('');
  const [error, setError] = useState<Error>();
  const [secret, setSecret] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      const created = await request<Webhook>('POST', '/api/webhooks', {
        url,
        eventTypes: names(eventTypes),
        workflows: names(workflows),
      });
      setSecret(created.secret);
      setUrl('');
      onCreated();
    } catch (failure) {
      setError(failure as Error);
    }
  };

  return (
    <form className="filters" onSubmit={submit} aria-label="New webhook subscription">
      <label htmlFor="webhook-url">Receiver URL</label>
      <input
        id="webhook-url"
        type="url"
        required
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        placeholder="https://cmdb.example/hooks/baton"
      />
      <label htmlFor="webhook-events">Event types</label>
      <input
        id="webhook-events"
        value={eventTypes}
        onChange={(e) => setEventTypes(e.target.value)}
        placeholder="all (or e.g. ProcessCompleted, StepFailed)"
      />
      <label htmlFor="webhook-workflows">Workflows</label>
      <input
        id="webhook-workflows"
        value={workflows}
        onChange={(e) => setWorkflows(e.target.value)}
        placeholder="all"
      />
      <button type="submit" className="primary">
        Subscribe
      </button>
      <ErrorMessage error={error} />
      {secret ? (
        <div className="verdict ok" role="status">
          Signing secret, shown only now (give it to the receiver): <code>{secret}</code>
        </div>
      ) : null}
    </form>
  );
};
