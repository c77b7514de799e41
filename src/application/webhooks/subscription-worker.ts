/**
 * Delivers one subscription's events, in global order, from its durable checkpoint. One event
 * at a time: the next is sent only once the receiver answered 2xx for this one, so order holds
 * per subscription. A failure is retried with back-off until the attempt limit, then the
 * subscription is paused with the event and the reason. Each worker has its own subscription to
 * the store and its own timers, so a slow or dead receiver holds up nobody else.
 */
import { Logger } from '@nestjs/common';
import { toFeedEvent } from '../feed/feed-event';
import { EventStore, RecordedEvent, Subscription } from '../ports/event-store';
import {
  SecretBox,
  WebhookSettings,
  WebhookStore,
  WebhookSubscription,
  WebhookTransport,
} from '../ports/webhook-store';
import { Clock } from '../ports/clock';
import { retryDelayMs } from './backoff';
import { deliveryHeaders } from './delivery-request';
import { WorkflowLookup } from './workflow-lookup';

export interface WorkerDeps {
  events: EventStore;
  store: WebhookStore;
  secrets: SecretBox;
  transport: WebhookTransport;
  settings: WebhookSettings;
  clock: Clock;
  workflows: WorkflowLookup;
  /** Extra headers for an event's delivery (the W3C traceparent of its process, when tracing). */
  traceHeaders?: (event: RecordedEvent) => Record<string, string>;
}

type Outcome = 'delivered' | 'paused' | 'stopped';

/** The subscription as this worker runs it (a snapshot; the store has the truth). */
export class SubscriptionWorker {
  private readonly logger = new Logger(SubscriptionWorker.name);
  private subscription?: Subscription;
  private halt = new AbortController();
  private running?: WebhookSubscription;
  private secret = '';
  /** Checkpoint as this worker last wrote it: a redelivered batch skips what already went out. */
  private passed = 0;

  constructor(
    readonly id: string,
    private readonly deps: WorkerDeps,
  ) {}

  /** The generation it delivers for; undefined while it delivers nothing. */
  get generation(): number | undefined {
    return this.running?.generation;
  }

  /** (Re)starts from the stored subscription: its checkpoint, filters and status. */
  async start(snapshot?: WebhookSubscription): Promise<void> {
    await this.stop();
    const current = snapshot ?? (await this.deps.store.get(this.id));
    if (!current) return;
    this.halt = new AbortController();
    this.running = current;
    this.passed = current.position;
    if (current.status !== 'active') return;
    try {
      this.secret = this.deps.secrets.open(current.sealedSecret);
    } catch (error) {
      // A key that changed, or none configured: say so on the subscription, not only in a log.
      const reason = `cannot sign: ${(error as Error).message}`;
      this.logger.error(`webhook ${current.id} paused: ${reason}`);
      await this.deps.store.pause(current.id, reason);
      return;
    }
    const types = new Set(current.eventTypes);
    const workflows = new Set(current.workflows);
    const halt = this.halt.signal;
    const subscription = this.deps.events.subscribeAll(current.position, async (batch) => {
      if (halt.aborted) return;
      const outcome = await this.deliverBatch(current, batch, types, workflows, halt);
      // Stop reading: paused, or an operator moved it (the dispatcher starts it again).
      if (outcome !== 'delivered') void subscription.close();
    });
    this.subscription = subscription;
  }

  async stop(): Promise<void> {
    this.halt.abort();
    const subscription = this.subscription;
    this.subscription = undefined;
    this.running = undefined;
    await subscription?.close();
  }

  private async deliverBatch(
    current: WebhookSubscription,
    batch: RecordedEvent[],
    types: ReadonlySet<string>,
    workflows: ReadonlySet<string>,
    halt: AbortSignal,
  ): Promise<Outcome> {
    let passed: number | undefined;
    for (const event of batch) {
      if (event.position <= this.passed) continue;
      this.deps.workflows.learn(event.streamId, event.type, event.data);
      if (!(await this.wanted(event, types, workflows))) {
        passed = event.position;
        continue;
      }
      const outcome = await this.deliverWithRetries(current, event, halt);
      if (outcome !== 'delivered') return outcome;
      passed = undefined;
      if (!(await this.advance(current, event.position, 1))) return 'stopped';
    }
    if (passed !== undefined && !(await this.advance(current, passed, 0))) return 'stopped';
    return 'delivered';
  }

  private async advance(current: WebhookSubscription, position: number, delivered: number) {
    const held = await this.deps.store.advance(current.id, current.generation, position, delivered);
    if (held) this.passed = position;
    return held;
  }

  private async wanted(
    event: RecordedEvent,
    types: ReadonlySet<string>,
    workflows: ReadonlySet<string>,
  ): Promise<boolean> {
    if (toFeedEvent(event) === null) return false;
    if (types.size > 0 && !types.has(event.type)) return false;
    if (workflows.size === 0) return true;
    const workflow = await this.deps.workflows.workflowOf(event.streamId);
    return workflow !== null && workflows.has(workflow);
  }

  private async deliverWithRetries(
    current: WebhookSubscription,
    event: RecordedEvent,
    halt: AbortSignal,
  ): Promise<Outcome> {
    const { settings, store, transport, clock } = this.deps;
    for (let attempt = 1; ; attempt++) {
      if (halt.aborted) return 'stopped';
      const started = clock.now();
      const { body, headers } = deliveryHeaders(current.id, event, this.secret, started, {
        ...this.deps.traceHeaders?.(event),
      });
      const response = await transport.post({
        url: current.url,
        body,
        headers,
        timeoutMs: settings.timeoutMs,
        signal: halt,
      });
      if (halt.aborted) return 'stopped';
      const ok =
        response.kind === 'answered' && response.statusCode >= 200 && response.statusCode < 300;
      const reason = ok
        ? null
        : response.kind === 'answered'
          ? `receiver answered ${response.statusCode}`
          : response.reason;
      await store.recordAttempt(
        {
          subscriptionId: current.id,
          at: started.toISOString(),
          position: event.position,
          eventId: event.eventId,
          eventType: event.type,
          attempt,
          statusCode: response.kind === 'answered' ? response.statusCode : null,
          error: reason,
          durationMs: clock.now().getTime() - started.getTime(),
        },
        settings.keepAttempts,
      );
      if (ok) return 'delivered';
      if (attempt >= settings.maxAttempts) {
        this.logger.warn(
          `webhook ${current.id} paused after ${attempt} attempts at position ${event.position}: ${reason}`,
        );
        await store.pauseFailing(current.id, current.generation, {
          position: event.position,
          eventId: event.eventId,
          eventType: event.type,
          reason: `${reason} (after ${attempt} attempts)`,
          at: clock.now().toISOString(),
        });
        return 'paused';
      }
      await sleep(retryDelayMs(attempt, settings.backoffBaseMs, settings.backoffMaxMs), halt);
    }
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
