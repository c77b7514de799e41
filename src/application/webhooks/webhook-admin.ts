/**
 * What an admin does with webhook subscriptions. The signing secret is given (or made) once,
 * sealed at once, and never shown again: views carry everything else, including where delivery
 * stands (checkpoint, lag, failures, the failing event) and the latest attempts.
 */
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { FieldError, NotFoundError, ValidationError } from '../../domain/errors';
import { EVENT_CATALOGUE } from '../../domain/process/events';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../ports/clock';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import {
  RECEIVER_POLICY,
  ReceiverPolicy,
  SECRET_BOX,
  SecretBox,
  WEBHOOK_STORE,
  WebhookAttempt,
  WebhookStore,
  WebhookSubscription,
} from '../ports/webhook-store';
import { WebhookDispatcher } from './webhook-dispatcher';

export interface CreateWebhook {
  url: string;
  description?: string;
  eventTypes?: string[];
  workflows?: string[];
  /** Given by the admin (at least 16 characters), or made here and shown once. */
  secret?: string;
  /** Where delivery starts: `now` (default, only new events) or `beginning` (the whole history). */
  from?: 'now' | 'beginning';
}

export type WebhookView = Omit<WebhookSubscription, 'sealedSecret' | 'generation'> & {
  headPosition: number;
  /** Age of the oldest event not passed yet (ms); 0 when caught up. */
  lagMs: number;
  /** Whether events after the checkpoint are waiting. */
  behind: boolean;
};

export type WebhookDetail = WebhookView & { recentAttempts: WebhookAttempt[] };

const RECENT_ATTEMPTS = 20;
const MIN_SECRET_LENGTH = 16;

@Injectable()
export class WebhookAdmin {
  constructor(
    @Inject(WEBHOOK_STORE) private readonly store: WebhookStore,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(RECEIVER_POLICY) private readonly receivers: ReceiverPolicy,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly registry: WorkflowRegistry,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  /** Returns the view and, when Baton made the secret, that secret (the only time it is shown). */
  async create(input: CreateWebhook, by: string): Promise<WebhookDetail & { secret?: string }> {
    const unknownTypes = (input.eventTypes ?? []).filter((t) => !(t in EVENT_CATALOGUE));
    const known = new Set(this.registry.list().map((d) => d.name));
    const unknownWorkflows = (input.workflows ?? []).filter((w) => !known.has(w));
    const problems: FieldError[] = [
      ...(unknownTypes.length > 0
        ? [
            {
              property: 'eventTypes',
              constraints: { known: `unknown event types: ${unknownTypes.join(', ')}` },
            },
          ]
        : []),
      ...(unknownWorkflows.length > 0
        ? [
            {
              property: 'workflows',
              constraints: { known: `unknown workflows: ${unknownWorkflows.join(', ')}` },
            },
          ]
        : []),
      ...(input.secret !== undefined && input.secret.length < MIN_SECRET_LENGTH
        ? [
            {
              property: 'secret',
              constraints: { minLength: `at least ${MIN_SECRET_LENGTH} characters` },
            },
          ]
        : []),
    ];
    if (problems.length > 0) throw new ValidationError('Invalid webhook subscription', problems);
    await this.receivers.check(input.url);
    const made =
      input.secret === undefined ? `whsec_${randomBytes(32).toString('base64url')}` : undefined;
    const id = this.ids.uuid();
    await this.store.create({
      id,
      url: input.url,
      description: input.description ?? null,
      eventTypes: [...new Set(input.eventTypes ?? [])],
      workflows: [...new Set(input.workflows ?? [])],
      sealedSecret: this.secrets.seal(input.secret ?? (made as string)),
      createdAt: this.clock.now().toISOString(),
      createdBy: by,
      position: input.from === 'beginning' ? 0 : await this.events.headPosition(),
    });
    await this.dispatcher.refresh();
    const detail = await this.detail(id);
    return made === undefined ? detail : { ...detail, secret: made };
  }

  async list(): Promise<WebhookView[]> {
    const head = await this.events.headPosition();
    return Promise.all((await this.store.list()).map((s) => this.view(s, head)));
  }

  async detail(id: string): Promise<WebhookDetail> {
    const subscription = await this.found(id);
    return {
      ...(await this.view(subscription, await this.events.headPosition())),
      recentAttempts: await this.store.recentAttempts(id, RECENT_ATTEMPTS),
    };
  }

  async pause(id: string): Promise<void> {
    await this.change(id, (s) => s.pause(id, 'paused by an operator'));
  }

  async resume(id: string): Promise<void> {
    await this.change(id, (s) => s.resume(id));
  }

  /** Delivers again every event at or after `fromPosition` (0: the whole history). */
  async replay(id: string, fromPosition: number): Promise<void> {
    await this.change(id, (s) => s.replay(id, Math.max(0, fromPosition - 1)));
  }

  async remove(id: string): Promise<void> {
    await this.change(id, (s) => s.remove(id));
  }

  private async change(id: string, apply: (store: WebhookStore) => Promise<boolean>) {
    if (!(await apply(this.store))) throw notFound();
    await this.dispatcher.refresh();
  }

  private async found(id: string): Promise<WebhookSubscription> {
    const subscription = await this.store.get(id);
    if (!subscription) throw notFound();
    return subscription;
  }

  private async view(s: WebhookSubscription, head: number): Promise<WebhookView> {
    const { sealedSecret: _sealed, generation: _generation, ...shown } = s;
    const [next] =
      s.position < head ? await this.events.readAll({ after: s.position, limit: 1 }) : [];
    const lagMs = next ? Math.max(0, this.clock.now().getTime() - Date.parse(next.metadata.at)) : 0;
    return { ...shown, headPosition: head, lagMs, behind: next !== undefined };
  }
}

const notFound = () => new NotFoundError('No such webhook subscription');
