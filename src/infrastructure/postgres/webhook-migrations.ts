import { Migration } from './migrations';

/**
 * Webhook subscriptions: configuration, the durable checkpoint any instance continues from, and
 * the latest attempts. The secret column holds the sealed secret (AES-GCM, key outside the
 * database). Numbered apart from the event store's and the read models' migrations.
 */
export const WEBHOOK_MIGRATIONS: Migration[] = [
  {
    version: 400,
    name: 'webhook-subscriptions',
    sql: `
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL,
        workflows text[] NOT NULL,
        sealed_secret text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'paused')),
        position bigint NOT NULL,
        generation int NOT NULL,
        delivered bigint NOT NULL DEFAULT 0,
        failures bigint NOT NULL DEFAULT 0,
        paused_reason text,
        failing jsonb,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL
      );
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        at timestamptz NOT NULL,
        position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        attempt int NOT NULL,
        status_code int,
        error text,
        duration_ms int NOT NULL
      );
      CREATE INDEX webhook_attempts_latest ON webhook_attempts (subscription_id, id DESC);
    `,
  },
];
