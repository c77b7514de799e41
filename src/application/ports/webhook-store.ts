/**
 * Webhook subscriptions and what happened to their deliveries. A subscription is configuration
 * plus a durable checkpoint (the position of the last event it has passed), so any instance that
 * takes it over continues where the last one stopped.
 *
 * `generation` goes up on every operator change (pause, resume, replay, delete). The delivering
 * instance writes its checkpoint only while the generation it started from still holds, so an
 * operator's replay is never overwritten by a delivery that was in flight, and an instance that
 * lost the subscription without knowing it cannot move the checkpoint any more.
 */
export type WebhookStatus = 'active' | 'paused';

export interface WebhookFailure {
  position: number;
  eventId: string;
  eventType: string;
  reason: string;
  at: string;
}

export interface WebhookSubscription {
  id: string;
  url: string;
  description: string | null;
  /** Event types delivered; empty = all. */
  eventTypes: string[];
  /** Workflow names whose processes' events are delivered; empty = all. */
  workflows: string[];
  /** The signing secret, sealed by the SecretBox (never the plaintext). */
  sealedSecret: string;
  status: WebhookStatus;
  /** Last event passed (delivered or filtered out); deliveries go on after it. */
  position: number;
  generation: number;
  delivered: number;
  failures: number;
  /** Why it is paused, and the event it could not deliver (null when an operator paused it). */
  pausedReason: string | null;
  failing: WebhookFailure | null;
  createdAt: string;
  createdBy: string;
}

export interface WebhookAttempt {
  subscriptionId: string;
  at: string;
  position: number;
  eventId: string;
  eventType: string;
  /** 1 for the first try of this event after a (re)start, then 2, 3 … */
  attempt: number;
  /** HTTP status, or null when there was no answer (timeout, refused connection). */
  statusCode: number | null;
  /** Why it failed, in words safe to show (never the secret or the receiver's body). */
  error: string | null;
  durationMs: number;
}

export type NewWebhookSubscription = Pick<
  WebhookSubscription,
  | 'id'
  | 'url'
  | 'description'
  | 'eventTypes'
  | 'workflows'
  | 'sealedSecret'
  | 'createdAt'
  | 'createdBy'
> & { position: number };

export interface WebhookStore {
  create(subscription: NewWebhookSubscription): Promise<void>;
  get(id: string): Promise<WebhookSubscription | null>;
  list(): Promise<WebhookSubscription[]>;
  /** Operator changes; each moves the generation. False when the subscription is unknown. */
  pause(id: string, reason: string): Promise<boolean>;
  resume(id: string): Promise<boolean>;
  /** Sets the checkpoint (events after `position` go out again) and resumes. */
  replay(id: string, position: number): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /**
   * The delivering instance: moves the checkpoint and adds `delivered`, only while `generation`
   * holds. False when it does not (an operator changed the subscription, or it was deleted).
   */
  advance(id: string, generation: number, position: number, delivered: number): Promise<boolean>;
  /** Gives up on an event after the attempt limit; only while `generation` holds. */
  pauseFailing(id: string, generation: number, failing: WebhookFailure): Promise<boolean>;
  /** Records one try and counts a failure; keeps only the latest `keep` per subscription. */
  recordAttempt(attempt: WebhookAttempt, keep: number): Promise<void>;
  recentAttempts(id: string, limit: number): Promise<WebhookAttempt[]>;
}

export const WEBHOOK_STORE = Symbol('WebhookStore');

/** Seals secrets at rest; the key lives outside the database (env or file). */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}
export const SECRET_BOX = Symbol('SecretBox');

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

/** What the receiver answered, or why there was no answer. */
export type WebhookResponse =
  { kind: 'answered'; statusCode: number } | { kind: 'failed'; reason: string };

/** Outbound POSTs to receivers; refuses addresses the receiver policy forbids. */
export interface WebhookTransport {
  post(request: WebhookRequest): Promise<WebhookResponse>;
}
export const WEBHOOK_TRANSPORT = Symbol('WebhookTransport');

/** Refuses receiver URLs that point where a request must not go (link-local, metadata). */
export interface ReceiverPolicy {
  /** Throws ValidationError naming the problem (never resolves to the address of a secret). */
  check(url: string): Promise<void>;
}
export const RECEIVER_POLICY = Symbol('ReceiverPolicy');

export interface WebhookSettings {
  /** Tries of one event before the subscription is paused. */
  maxAttempts: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often each instance looks for new or changed subscriptions. */
  pollMs: number;
  /** Recent attempts kept per subscription. */
  keepAttempts: number;
}
export const WEBHOOK_SETTINGS = Symbol('WebhookSettings');

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  maxAttempts: 8,
  timeoutMs: 10_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 5 * 60_000,
  pollMs: 2000,
  keepAttempts: 50,
};
