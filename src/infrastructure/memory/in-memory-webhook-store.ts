import {
  NewWebhookSubscription,
  WebhookAttempt,
  WebhookFailure,
  WebhookStore,
  WebhookSubscription,
} from '../../application/ports/webhook-store';

/** Webhook subscriptions in memory (tests, and the in-memory store). */
export class InMemoryWebhookStore implements WebhookStore {
  private readonly rows = new Map<string, WebhookSubscription>();
  private readonly attempts = new Map<string, WebhookAttempt[]>();

  async create(s: NewWebhookSubscription): Promise<void> {
    this.rows.set(s.id, {
      ...s,
      status: 'active',
      generation: 1,
      delivered: 0,
      failures: 0,
      pausedReason: null,
      failing: null,
    });
  }

  async get(id: string): Promise<WebhookSubscription | null> {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }

  async list(): Promise<WebhookSubscription[]> {
    return [...this.rows.values()]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((r) => structuredClone(r));
  }

  pause(id: string, reason: string) {
    return this.change(id, (r) => ({ ...r, status: 'paused', pausedReason: reason }));
  }

  resume(id: string) {
    return this.change(id, (r) => ({ ...r, status: 'active', pausedReason: null, failing: null }));
  }

  replay(id: string, position: number) {
    return this.change(id, (r) => ({
      ...r,
      position,
      status: 'active',
      pausedReason: null,
      failing: null,
    }));
  }

  async remove(id: string): Promise<boolean> {
    this.attempts.delete(id);
    return this.rows.delete(id);
  }

  async advance(id: string, generation: number, position: number, delivered: number) {
    const row = this.rows.get(id);
    if (!row || row.generation !== generation) return false;
    this.rows.set(id, { ...row, position, delivered: row.delivered + delivered });
    return true;
  }

  async pauseFailing(id: string, generation: number, failing: WebhookFailure) {
    const row = this.rows.get(id);
    if (!row || row.generation !== generation) return false;
    return this.change(id, (r) => ({
      ...r,
      status: 'paused',
      pausedReason: failing.reason,
      failing,
    }));
  }

  async recordAttempt(attempt: WebhookAttempt, keep: number): Promise<void> {
    const list = this.attempts.get(attempt.subscriptionId) ?? [];
    list.push(attempt);
    if (list.length > keep) list.splice(0, list.length - keep);
    this.attempts.set(attempt.subscriptionId, list);
    const row = this.rows.get(attempt.subscriptionId);
    if (row && attempt.error !== null) row.failures += 1;
  }

  async recentAttempts(id: string, limit: number): Promise<WebhookAttempt[]> {
    return (this.attempts.get(id) ?? []).slice(-limit).reverse();
  }

  private async change(
    id: string,
    update: (row: WebhookSubscription) => WebhookSubscription,
  ): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row) return false;
    this.rows.set(id, { ...update(row), generation: row.generation + 1 });
    return true;
  }
}
