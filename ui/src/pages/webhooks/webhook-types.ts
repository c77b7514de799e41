/** Webhook subscriptions as GET /api/webhooks and /api/webhooks/{id} answer. */
export interface WebhookAttempt {
  at: string;
  position: number;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface Webhook {
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
  recentAttempts?: WebhookAttempt[];
  /** Only in the answer to the create that made it. */
  secret?: string;
}
