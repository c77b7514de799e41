import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { NewEvent, load } from './baton-store';

/**
 * Makes a new process that is indistinguishable from one that ran for real up to "awaiting
 * callback": the template's events with every id replaced by a fresh one (process, token,
 * subscription, correlation), a fresh callback token whose SHA-256 hex is what the store keeps,
 * and the current time in the metadata so it lists as new. Its hash chain is computed afresh
 * (by Baton's own code in dist), as it would have been for a real run.
 */
export interface TemplateEvent {
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface ClonedProcess {
  processId: string;
  /** Plaintext callback token: only the bench knows it, as only the remote runner would. */
  token: string;
  events: NewEvent[];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function cloneHistory(template: TemplateEvent[], templateProcessId: string): ClonedProcess {
  const fresh = new Map<string, string>();
  const text = JSON.stringify(template).replace(UUID, (id) => {
    const key = id.toLowerCase();
    if (!fresh.has(key)) fresh.set(key, randomUUID());
    return fresh.get(key) as string;
  });
  const token = randomBytes(32).toString('base64url');
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const at = new Date().toISOString();
  const events = (JSON.parse(text) as TemplateEvent[]).map((event) => ({
    type: event.type,
    data: event.type === 'CallbackIssued' ? { ...event.data, tokenHash } : event.data,
    metadata: { ...event.metadata, at },
  }));
  return {
    processId: fresh.get(templateProcessId.toLowerCase()) as string,
    token,
    events: chain(`process-${fresh.get(templateProcessId.toLowerCase()) as string}`, events),
  };
}

const chain = (streamId: string, events: TemplateEvent[]): NewEvent[] =>
  load<{
    chainEvents(
      streamId: string,
      firstRevision: number,
      previous: string | null,
      events: TemplateEvent[],
    ): NewEvent[];
  }>('application/history/event-chain').chainEvents(streamId, 0, null, events);
