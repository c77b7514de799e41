import { Pool } from 'pg';
import {
  NewWebhookSubscription,
  WebhookAttempt,
  WebhookFailure,
  WebhookStore,
  WebhookSubscription,
} from '../../application/ports/webhook-store';
import { toStoreError } from './pg-errors';

interface Row {
  id: string;
  url: string;
  description: string | null;
  event_types: string[];
  workflows: string[];
  sealed_secret: string;
  status: 'active' | 'paused';
  position: string;
  generation: number;
  delivered: string;
  failures: string;
  paused_reason: string | null;
  failing: WebhookFailure | null;
  created_at: Date;
  created_by: string;
}

const toSubscription = (r: Row): WebhookSubscription => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types,
  workflows: r.workflows,
  sealedSecret: r.sealed_secret,
  status: r.status,
  position: Number(r.position),
  generation: r.generation,
  delivered: Number(r.delivered),
  failures: Number(r.failures),
  pausedReason: r.paused_reason,
  failing: r.failing,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Webhook subscriptions in PostgreSQL. Every write a delivering instance makes names the
 * generation it started from, in the same statement, so a write of a superseded delivery
 * (operator replayed, or the subscription moved to another instance and was changed) does
 * nothing. Borrows the caller's pool.
 */
export class PgWebhookStore implements WebhookStore {
  constructor(private readonly pool: Pool) {}

  async create(s: NewWebhookSubscription): Promise<void> {
    await this.query(
      `INSERT INTO webhook_subscriptions (id, url, description, event_types, workflows,
         sealed_secret, status, position, generation, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, 1, $8, $9)`,
      [
        s.id,
        s.url,
        s.description,
        s.eventTypes,
        s.workflows,
        s.sealedSecret,
        s.position,
        s.createdAt,
        s.createdBy,
      ],
    );
  }

  async get(id: string): Promise<WebhookSubscription | null> {
    // A malformed id is simply unknown (PostgreSQL would refuse the cast).
    if (!UUID.test(id)) return null;
    const rows = await this.query<Row>('SELECT * FROM webhook_subscriptions WHERE id = $1', [id]);
    return rows.length === 0 ? null : toSubscription(rows[0]);
  }

  async list(): Promise<WebhookSubscription[]> {
    const rows = await this.query<Row>(
      'SELECT * FROM webhook_subscriptions ORDER BY created_at, id',
    );
    return rows.map(toSubscription);
  }

  pause(id: string, reason: string) {
    return this.change(id, `status = 'paused', paused_reason = $2`, [reason]);
  }

  resume(id: string) {
    return this.change(id, `status = 'active', paused_reason = NULL, failing = NULL`, []);
  }

  replay(id: string, position: number) {
    return this.change(
      id,
      `status = 'active', paused_reason = NULL, failing = NULL, position = $2`,
      [position],
    );
  }

  async remove(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const rows = await this.query('DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING id', [
      id,
    ]);
    return rows.length > 0;
  }

  async advance(id: string, generation: number, position: number, delivered: number) {
    const rows = await this.query(
      `UPDATE webhook_subscriptions SET position = $3, delivered = delivered + $4
       WHERE id = $1 AND generation = $2 RETURNING id`,
      [id, generation, position, delivered],
    );
    return rows.length > 0;
  }

  async pauseFailing(id: string, generation: number, failing: WebhookFailure) {
    const rows = await this.query(
      `UPDATE webhook_subscriptions
       SET status = 'paused', paused_reason = $3, failing = $4, generation = generation + 1
       WHERE id = $1 AND generation = $2 RETURNING id`,
      [id, generation, failing.reason, JSON.stringify(failing)],
    );
    return rows.length > 0;
  }

  /** One statement; its DELETE does not see the row it inserts, hence keep − 1 older ones. */
  async recordAttempt(a: WebhookAttempt, keep: number): Promise<void> {
    await this.query(
      `WITH added AS (
         INSERT INTO webhook_attempts (subscription_id, at, position, event_id, event_type,
           attempt, status_code, error, duration_ms)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
         WHERE EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = $1)
         RETURNING subscription_id
       ), counted AS (
         UPDATE webhook_subscriptions SET failures = failures + 1
         WHERE id = $1 AND $8::text IS NOT NULL
       )
       DELETE FROM webhook_attempts WHERE subscription_id = $1 AND id <= (
         SELECT id FROM webhook_attempts WHERE subscription_id = $1
         ORDER BY id DESC OFFSET GREATEST($10::int - 1, 0) LIMIT 1)`,
      [
        a.subscriptionId,
        a.at,
        a.position,
        a.eventId,
        a.eventType,
        a.attempt,
        a.statusCode,
        a.error,
        a.durationMs,
        keep,
      ],
    );
  }

  async recentAttempts(id: string, limit: number): Promise<WebhookAttempt[]> {
    if (!UUID.test(id)) return [];
    const rows = await this.query<{
      at: Date;
      position: string;
      event_id: string;
      event_type: string;
      attempt: number;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
    }>(`SELECT * FROM webhook_attempts WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2`, [
      id,
      limit,
    ]);
    return rows.map((r) => ({
      subscriptionId: id,
      at: r.at.toISOString(),
      position: Number(r.position),
      eventId: r.event_id,
      eventType: r.event_type,
      attempt: r.attempt,
      statusCode: r.status_code,
      error: r.error,
      durationMs: r.duration_ms,
    }));
  }

  private async change(id: string, set: string, params: unknown[]): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const rows = await this.query(
      `UPDATE webhook_subscriptions SET ${set}, generation = generation + 1
       WHERE id = $1 RETURNING id`,
      [id, ...params],
    );
    return rows.length > 0;
  }

  private async query<T extends object = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    try {
      return (await this.pool.query<T & Record<string, unknown>>(sql, params)).rows;
    } catch (error) {
      throw toStoreError(error, 'webhook subscriptions');
    }
  }
}
