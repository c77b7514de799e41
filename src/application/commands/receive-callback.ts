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
import { loadCallback } from '../callbacks/load-callback';
import { sha256Hex } from '../callbacks/tokens';
import { validateForm } from '../forms/forms';
import { containsNul, NUL_REFUSAL } from '../forms/nul-characters';
import { METRICS, Metrics, noopMetrics } from '../ports/metrics';
import { ProcessRepository } from '../process/process-repository';

export class ReceiveCallbackCommand extends Command<CallbackAnswer> {
  constructor(
    readonly processId: string,
    readonly token: string,
    /** The body exactly as received: its hash decides what counts as a re-delivery. */
    readonly body: Buffer,
    readonly correlationId: string,
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
    const { state, token, step } = await loadCallback(
      this.repository,
      this.registry,
      cmd.processId,
      cmd.token,
    );
    const { payload, error } = parseJsonObject(cmd.body);
    const payloadError = error ?? (await schemaError(step, payload));
    const result = await this.repository.execute(
      cmd.processId,
      {
        type: 'ReceiveCallback',
        tokenId: token.tokenId,
        payload,
        payloadHash: sha256Hex(cmd.body),
        payloadError,
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

export const parseJsonObject = (body: Buffer): { payload: unknown; error: string | null } => {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return { payload: null, error: 'body is not valid JSON' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { payload, error: 'body must be a JSON object' };
  }
  // Recorded as a rejection without the payload: the store could not hold it.
  if (containsNul(payload)) return { payload: null, error: NUL_REFUSAL };
  return { payload, error: null };
};
