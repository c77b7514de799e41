/** Webhook subscriptions as GET /api/webhooks and /api/webhooks/{id} answer (the server's contract). */
export type {
  WebhookAttemptJson as WebhookAttempt,
  WebhookDetailJson as WebhookDetail,
  WebhookJson,
} from '../../../../src/interfaces/rest/webhooks.contract';
import type { CreatedWebhookJson } from '../../../../src/interfaces/rest/webhooks.contract';

/** A subscription as the page holds it: the list's fields, the detail's attempts once loaded. */
export type Webhook = Omit<CreatedWebhookJson, 'recentAttempts'> & {
  recentAttempts?: CreatedWebhookJson['recentAttempts'];
};
