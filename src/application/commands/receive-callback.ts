/**
 * The remote service's answer. Exactly once: the handler takes the process's fold (cached or
 * read), matches the token by hash in constant time and appends CallbackReceived at that fold's
 * revision; a delivery that loses a race re-reads, and is answered as duplicate or rejected.
 */
import { Inject, Optional } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { CallbackAnswer } from '../../domain/process/decide';
import { CallbackStep } from '../../domain/workflow/dsl';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { loadCallbackOrLimit, refusalLimited } from '../callbacks/load-callback';
import { signatureError } from '../callbacks/signature';
import { sha256Hex } from '../callbacks/tokens';
import { validateForm } from '../forms/forms';
import { CALLBACK_JSON_LIMITS, jsonLimitProblem } from '../forms/json-limits';
import { containsNul, NUL_REFUSAL } from '../forms/nul-characters';
import { METRICS, Metrics, noopMetrics } from '../ports/metrics';
import { RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { ProcessRepository } from '../process/process-repository';

export class ReceiveCallbackCommand extends Command<CallbackAnswer> {
  constructor(
    readonly processId: string,
    readonly token: string,
    /** The body exactly as received: its hash decides what counts as a re-delivery. */
    readonly body: Buffer,
    readonly correlationId: string,
    /** The X-Baton-Signature header, for workflows whose runner signs. */
    readonly signature?: string,
    /** Too many refusals at this process lately: refuse with 429 and record nothing. */
    readonly processLimited = false,
  ) {
    super();
  }
}

@CommandHandler(ReceiveCallbackCommand)
export class ReceiveCallbackHandler implements ICommandHandler<
  ReceiveCallbackCommand,
  CallbackAnswer
> {
  constructor(
    private readonly repository: ProcessRepository,
    private readonly registry: WorkflowRegistry,
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = noopMetrics,
  ) {}

  async execute(cmd: ReceiveCallbackCommand): Promise<CallbackAnswer> {
    const answer = await this.receive(cmd).catch((error: unknown) => {
      // Recorded nowhere else: no process issued the token, so there is no stream to write to.
      if (error instanceof NotFoundError) this.metrics.callback('rejected', 'unknown_token');
      throw error;
    });
    // Outcomes that append events are counted where they are appended; a re-delivery is not.
    if (answer === 'duplicate') this.metrics.callback('duplicate');
    return answer;
  }

  private async receive(cmd: ReceiveCallbackCommand): Promise<CallbackAnswer> {
    const { state, token, step } = await loadCallbackOrLimit(
      this.repository,
      this.registry,
      cmd.processId,
      cmd.token,
      cmd.processLimited,
    );
    const { payload, error } = parseJsonObject(cmd.body);
    const payloadError = error ?? (await schemaError(step, payload));
    const payloadHash = sha256Hex(cmd.body);
    const badSignature = signatureError(
      this.runtime.callbackSecrets?.[state.workflow],
      cmd.body,
      cmd.signature,
    );
    if (cmd.processLimited) {
      const deliverable =
        badSignature === null &&
        ((token.status === 'open' &&
          payloadError === null &&
          state.status === 'awaiting_callback') ||
          (token.status === 'received' && token.payloadHash === payloadHash));
      if (!deliverable) throw refusalLimited();
    }
    const result = await this.repository.execute(
      cmd.processId,
      {
        type: 'ReceiveCallback',
        tokenId: token.tokenId,
        payload,
        payloadHash,
        payloadError,
        signatureError: badSignature,
      },
      { actor: 'callback', correlationId: cmd.correlationId, causationId: null },
      state,
    );
    return result.answer ?? 'accepted';
  }
}

/** The step may declare a payload class; a payload that fails it leaves the token open. */
const schemaError = async (
  step: CallbackStep | undefined,
  payload: unknown,
): Promise<string | null> => {
  if (!step?.payload) return null;
  try {
    await validateForm(step.payload, payload, 'Invalid payload', { allowUnknown: true });
    return null;
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e; // a bug is not the caller's bad payload
    const messages = e.validationErrors.flatMap((d) => Object.values(d.constraints));
    return messages.join('; ') || 'payload does not match the schema';
  }
};

/**
 * Malformed or wrongly shaped JSON is the runner's mistake, recorded as a rejection. JSON past
 * the input limits is refused like an oversized body: 400, nothing recorded.
 */
export const parseJsonObject = (body: Buffer): { payload: unknown; error: string | null } => {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { payload: null, error: 'body is not valid JSON' };
  }
  const tooBig = jsonLimitProblem(payload, CALLBACK_JSON_LIMITS);
  if (tooBig) throw new ValidationError(`Callback body refused: ${tooBig}`);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { payload, error: 'body must be a JSON object' };
  }
  // Recorded as a rejection without the payload: the store could not hold it.
  if (containsNul(payload)) return { payload: null, error: NUL_REFUSAL };
  return { payload, error: null };
};
