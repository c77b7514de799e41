/**
 * One process in a TestEnvironment: act on it as an operator or as the remote service would,
 * and look at it as an auditor would. Every action goes through Baton's command handlers and is
 * followed by a settle, so what the test sees next is where the process came to rest.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveCallbackCommand } from '../application/commands/receive-callback';
import { ReportProgressCommand } from '../application/commands/report-progress';
import { ResumeProcessCommand } from '../application/commands/resume-process';
import {
  AbortProcessCommand,
  RetryProcessCommand,
} from '../application/commands/retry-abort-process';
import { GetProcessQuery } from '../application/queries/process-queries';
import { ProcessDetail } from '../application/queries/process-detail';
import { Actor } from '../domain/access/roles';
import { DomainError } from '../domain/errors';
import { JsonObject, processStreamId } from '../domain/process/events';
import { ProcessStatus } from '../domain/process/state';
import { describeRefusal, Delivery, refusedAs, STATUS_OF } from './outcomes';
import { ProcessAssertions } from './process-assertions';
import { RecordedRequest } from './scripted-remote';
import { DEFAULT_ACTOR, TestEnvironment } from './test-environment';

/** An event of the process as an auditor reads it (GET /processes/{id}/events). */
export interface KitEvent {
  revision: number;
  type: string;
  data: JsonObject;
  /** Virtual time it was recorded (ISO). */
  at: string;
  actor: string;
}

export interface DeliveryOptions {
  /** Deliver to this callback URL instead of the latest one (a late or stale delivery). */
  url?: string;
  /** The X-Baton-Signature header, for workflows whose runner signs. */
  signature?: string;
}

const CALLBACK_URL = /\/api\/processes\/([^/]+)\/callback\/([^/?#]+)/;

export class ProcessUnderTest extends ProcessAssertions {
  constructor(
    readonly env: TestEnvironment,
    readonly id: string,
  ) {
    super();
  }

  // ---- the operator ----

  /** Submits the pending form (one page of it), validated as PUT /resume would. */
  async confirm(input: JsonObject = {}, options: { as?: Actor } = {}): Promise<void> {
    await refusedAs(`Confirming the form of process ${this.id}`, () =>
      this.env.engine.handlers.resume.execute(
        new ResumeProcessCommand(this.id, input, options.as ?? DEFAULT_ACTOR, randomUUID()),
      ),
    );
    await this.env.settle();
  }

  async retry(options: { as?: Actor } = {}): Promise<void> {
    await refusedAs(`Retrying process ${this.id}`, () =>
      this.env.engine.handlers.retry.execute(
        new RetryProcessCommand(this.id, options.as ?? DEFAULT_ACTOR, randomUUID()),
      ),
    );
    await this.env.settle();
  }

  async abort(reason = 'aborted by test', options: { as?: Actor } = {}): Promise<void> {
    await refusedAs(`Aborting process ${this.id}`, () =>
      this.env.engine.handlers.abort.execute(
        new AbortProcessCommand(this.id, reason, options.as ?? DEFAULT_ACTOR, randomUUID()),
      ),
    );
    await this.env.settle();
  }

  // ---- the remote service ----

  /** The callback URL handed to the latest callback action (throws if none was issued). */
  callbackUrl(): string {
    const urls = this.env.callbackUrlsOf(this.id);
    if (urls.length === 0)
      throw new Error(`Process ${this.id} has not handed out a callback URL yet`);
    return urls[urls.length - 1];
  }

  /**
   * Calls back as the remote service: must be accepted (or be a duplicate), else this throws
   * with the reason. Use `deliver` to test refusals.
   */
  async callback(payload: unknown, options: DeliveryOptions = {}): Promise<Delivery> {
    const delivery = await this.deliver(payload, options);
    if (delivery.status !== 200)
      throw new Error(
        `The callback to process ${this.id} was refused (${delivery.status}): ${delivery.message}`,
      );
    return delivery;
  }

  /**
   * Delivers a callback body (an object is sent as JSON; a string or Buffer as it is, to test
   * malformed bodies) and answers as Baton would answer the remote service.
   */
  async deliver(body: unknown, options: DeliveryOptions = {}): Promise<Delivery> {
    const { processId, token } = this.parse(options.url);
    const raw = Buffer.isBuffer(body)
      ? body
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return this.delivered(() =>
      this.env.engine.handlers.callback.execute(
        new ReceiveCallbackCommand(processId, token, raw, randomUUID(), options.signature),
      ),
    );
  }

  /** Reports progress on the open callback (moves a heartbeat deadline). */
  async progress(progress: unknown, options: DeliveryOptions = {}): Promise<Delivery> {
    const { processId, token } = this.parse(options.url);
    const raw = Buffer.from(typeof progress === 'string' ? progress : JSON.stringify(progress));
    return this.delivered(async () => {
      await this.env.engine.handlers.progress.execute(
        new ReportProgressCommand(processId, token, progress, randomUUID(), raw, options.signature),
      );
      return 'accepted' as const;
    });
  }

  // ---- looking at it ----

  /** The detail the REST API shows (GET /processes/{id}): status, steps, state, form, callback. */
  async detail(): Promise<ProcessDetail> {
    return this.env.engine.handlers.detail.execute(new GetProcessQuery(this.id));
  }

  async status(): Promise<ProcessStatus> {
    return (await this.detail()).status;
  }

  /** The process's state (the fold of its events). */
  async state(): Promise<JsonObject> {
    return (await this.detail()).state;
  }

  async events(): Promise<KitEvent[]> {
    const recorded = await this.env.engine.store.readStream(processStreamId(this.id));
    return recorded.map((e) => ({
      revision: e.revision,
      type: e.type,
      data: e.data,
      at: String(e.metadata.at),
      actor: String(e.metadata.actor),
    }));
  }

  async eventTypes(): Promise<string[]> {
    return (await this.events()).map((e) => e.type);
  }

  /** Requests this process's steps made to remote services, oldest first. */
  requests(): RecordedRequest[] {
    return this.env.remote.requests(this.id);
  }

  private parse(url = this.callbackUrl()): { processId: string; token: string } {
    const match = CALLBACK_URL.exec(url);
    if (!match) throw new Error(`Not a Baton callback URL: ${url}`);
    return { processId: match[1], token: match[2] };
  }

  private async delivered(work: () => Promise<'accepted' | 'duplicate'>): Promise<Delivery> {
    let delivery: Delivery;
    try {
      delivery = { status: 200, answer: await work() };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      delivery = { status: STATUS_OF[error.code], message: describeRefusal(error) };
    }
    await this.env.settle();
    return delivery;
  }
}
