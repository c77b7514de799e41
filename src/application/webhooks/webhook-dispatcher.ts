/**
 * Runs the webhook subscriptions this instance owns. Each subscription is a single-owner role
 * of the work-ownership port (`webhook:<id>`), so exactly one live instance delivers it and,
 * when that instance dies, another takes it over from the durable checkpoint. Every `pollMs`
 * each instance looks for new subscriptions (to compete for them) and for operator changes to
 * the ones it runs (a new generation: pause, resume, replay, delete), which restart its worker.
 */
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore, RecordedEvent } from '../ports/event-store';
import {
  SECRET_BOX,
  SecretBox,
  WEBHOOK_SETTINGS,
  WEBHOOK_STORE,
  WEBHOOK_TRANSPORT,
  WebhookSettings,
  WebhookStore,
  WebhookTransport,
} from '../ports/webhook-store';
import { WORK_OWNERSHIP, WorkOwnership } from '../ports/work-ownership';
import { SubscriptionWorker, WorkerDeps } from './subscription-worker';
import { WorkflowLookup } from './workflow-lookup';

export const webhookRole = (id: string): string => `webhook:${id}`;

/** Headers added to each delivery of an event (tracing sets the traceparent). */
export const WEBHOOK_TRACE_HEADERS = Symbol('WebhookTraceHeaders');
export type TraceHeaders = (event: RecordedEvent) => Record<string, string>;

@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  /** Subscriptions this instance competes for (a role is registered once). */
  private readonly watched = new Set<string>();
  /** Workers of the subscriptions this instance holds. */
  private readonly workers = new Map<string, SubscriptionWorker>();
  private readonly deps: WorkerDeps;
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) events: EventStore,
    @Inject(WEBHOOK_STORE) private readonly store: WebhookStore,
    @Inject(SECRET_BOX) secrets: SecretBox,
    @Inject(WEBHOOK_TRANSPORT) transport: WebhookTransport,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(CLOCK) clock: Clock,
    @Inject(WORK_OWNERSHIP) private readonly ownership: WorkOwnership,
    @Inject(WEBHOOK_TRACE_HEADERS) traceHeaders: TraceHeaders,
  ) {
    this.deps = {
      events,
      store,
      secrets,
      transport,
      settings,
      clock,
      workflows: new WorkflowLookup(events),
      traceHeaders,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }

  /** Held here now: whether this instance delivers the subscription (tests, status). */
  delivering(id: string): boolean {
    return this.workers.has(id);
  }

  /** Looks at the stored subscriptions now (after an operator change on this instance). */
  refresh(): Promise<void> {
    return this.serially(() => this.reconcile());
  }

  /** Reconciling and starting or stopping workers never overlap, so each sees the last's result. */
  private serially(work: () => Promise<void>): Promise<void> {
    this.round = this.round
      .then(work)
      .catch((error: Error) =>
        this.logger.warn(`webhook subscriptions not refreshed, will try again: ${error.message}`),
      );
    return this.round;
  }

  private loop(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.refresh().finally(() => this.loop()),
      this.settings.pollMs,
    );
    this.timer.unref();
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const subscriptions = await this.store.list();
    const present = new Set(subscriptions.map((s) => s.id));
    for (const subscription of subscriptions) {
      if (!this.watched.has(subscription.id)) {
        this.watched.add(subscription.id);
        this.ownership.watchRole(webhookRole(subscription.id), {
          acquired: () => this.serially(() => this.run(subscription.id)),
          released: () => this.serially(() => this.release(subscription.id)),
        });
        continue;
      }
      const worker = this.workers.get(subscription.id);
      if (worker && worker.generation !== subscription.generation) await worker.start(subscription);
    }
    // Deleted: stop delivering. The role stays registered (the port has no way to give one
    // up); holding it costs nothing and nothing runs under it.
    for (const [id, worker] of this.workers)
      if (!present.has(id)) {
        this.workers.delete(id);
        await worker.stop();
      }
  }

  private async run(id: string): Promise<void> {
    if (this.stopped) return;
    const worker = this.workers.get(id) ?? new SubscriptionWorker(id, this.deps);
    this.workers.set(id, worker);
    this.logger.log(`delivering webhook subscription ${id}`);
    await worker.start();
  }

  private async release(id: string): Promise<void> {
    const worker = this.workers.get(id);
    this.workers.delete(id);
    await worker?.stop();
  }
}
