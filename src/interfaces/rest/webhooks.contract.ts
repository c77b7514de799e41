/**
 * The JSON of `/api/webhooks` answers. The operator UI imports these types and the controller
 * declares its answers with them, so a field the admin API drops or renames breaks the type
 * check of both sides instead of the UI at run time. Keep it plain (no imports): the UI's
 * compiler reads this file on its own.
 */
export interface WebhookAttemptJson {
  subscriptionId: string;
  at: string;
  position: number;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookJson {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  workflows: string[];
  status: 'active' | 'paused';
  position: number;
  headPosition: number;
  lagMs: number;
  behind: boolean;
  delivered: number;
  failures: number;
  pausedReason: string | null;
  failing: {
    position: number;
    eventId: string;
    eventType: string;
    reason: string;
    at: string;
  } | null;
  createdAt: string;
  createdBy: string;
}

export interface WebhookDetailJson extends WebhookJson {
  recentAttempts: WebhookAttemptJson[];
}

/** The answer to a create: the detail, and the secret once when Baton made it. */
export interface CreatedWebhookJson extends WebhookDetailJson {
  secret?: string;
}
