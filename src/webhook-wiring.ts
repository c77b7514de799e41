/**
 * The webhook part of the wiring: which store, secret box, transport and settings the
 * subscriptions run with. Defaults (in memory, a key made for this process, link-local refused)
 * suit tests and the in-memory store; server.ts hands in PostgreSQL and the configured key.
 */
import { Provider } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_WEBHOOK_SETTINGS,
  RECEIVER_POLICY,
  ReceiverPolicy,
  SECRET_BOX,
  SecretBox,
  WEBHOOK_SETTINGS,
  WEBHOOK_STORE,
  WEBHOOK_TRANSPORT,
  WebhookSettings,
  WebhookStore,
  WebhookTransport,
} from './application/ports/webhook-store';
import { WebhookAdmin } from './application/webhooks/webhook-admin';
import {
  TraceHeaders,
  WEBHOOK_TRACE_HEADERS,
  WebhookDispatcher,
} from './application/webhooks/webhook-dispatcher';
import { InMemoryWebhookStore } from './infrastructure/memory/in-memory-webhook-store';
import { AesSecretBox, SECRET_KEY_BYTES } from './infrastructure/webhooks/aes-secret-box';
import { httpWebhookTransport } from './infrastructure/webhooks/http-webhook-transport';
import { receiverPolicy } from './infrastructure/webhooks/receiver-policy';

/** The receiver joins the process's trace: the traceparent stored with the event, if any. */
const processTraceHeaders: TraceHeaders = (event): Record<string, string> =>
  event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : {};

export interface WebhookAdapters {
  store?: WebhookStore;
  secrets?: SecretBox;
  transport?: WebhookTransport;
  policy?: ReceiverPolicy;
  settings?: Partial<WebhookSettings>;
  /** Lift the refusal of link-local and metadata receiver addresses. */
  allowLinkLocal?: boolean;
  /** Headers added per delivered event (the traceparent when tracing is on). */
  traceHeaders?: TraceHeaders;
}

export const webhookProviders = (adapters: WebhookAdapters = {}): Provider[] => {
  const allowLinkLocal = adapters.allowLinkLocal ?? false;
  return [
    { provide: WEBHOOK_STORE, useValue: adapters.store ?? new InMemoryWebhookStore() },
    {
      provide: SECRET_BOX,
      useValue: adapters.secrets ?? new AesSecretBox(randomBytes(SECRET_KEY_BYTES)),
    },
    {
      provide: WEBHOOK_TRANSPORT,
      useValue: adapters.transport ?? httpWebhookTransport(allowLinkLocal),
    },
    { provide: RECEIVER_POLICY, useValue: adapters.policy ?? receiverPolicy(allowLinkLocal) },
    { provide: WEBHOOK_SETTINGS, useValue: { ...DEFAULT_WEBHOOK_SETTINGS, ...adapters.settings } },
    { provide: WEBHOOK_TRACE_HEADERS, useValue: adapters.traceHeaders ?? processTraceHeaders },
    WebhookDispatcher,
    WebhookAdmin,
  ];
};
