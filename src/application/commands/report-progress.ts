import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { callbackExpiry } from '../../domain/workflow/callback-expiry';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { loadCallbackOrLimit, refusalLimited } from '../callbacks/load-callback';
import { signatureError } from '../callbacks/signature';
import { CLOCK, Clock } from '../ports/clock';
import { DEFAULT_PROGRESS_LIMITS, RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';
import { ProcessRepository } from '../process/process-repository';

/**
 * A progress report from the remote service on an open callback (JSON or plain text). For a
 * step with a heartbeat timeout it is also a sign of life that moves the token's deadline.
 */
export class ReportProgressCommand extends Command<void> {
  constructor(
    readonly processId: string,
    readonly token: string,
    readonly progress: unknown,
    readonly correlationId: string,
    /** The raw body and its X-Baton-Signature, for workflows whose runner signs. */
    readonly body: Buffer = Buffer.alloc(0),
    readonly signature?: string,
    readonly processLimited = false,
  ) {
    super();
  }
}

@CommandHandler(ReportProgressCommand)
export class ReportProgressHandler implements ICommandHandler<ReportProgressCommand, void> {
  constructor(
    private readonly repository: ProcessRepository,
    private readonly registry: WorkflowRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig,
  ) {}

  async execute(cmd: ReportProgressCommand): Promise<void> {
    const { state, token, step } = await loadCallbackOrLimit(
      this.repository,
      this.registry,
      cmd.processId,
      cmd.token,
      cmd.processLimited,
    );
    const badSignature = signatureError(
      this.runtime.callbackSecrets?.[state.workflow],
      cmd.body,
      cmd.signature,
    );
    if (cmd.processLimited && (badSignature !== null || token.status !== 'open'))
      throw refusalLimited();
    // Only a step with a heartbeat moves the deadline; otherwise the report leaves it alone.
    const expiresAt =
      step?.heartbeatTimeoutMs !== undefined
        ? callbackExpiry(step, new Date(token.issuedAt), this.clock.now())
        : undefined;
    await this.repository.execute(
      cmd.processId,
      {
        type: 'ReportProgress',
        tokenId: token.tokenId,
        progress: cmd.progress,
        expiresAt,
        signatureError: badSignature,
        limits: this.runtime.progressLimits ?? DEFAULT_PROGRESS_LIMITS,
      },
      { actor: 'callback', correlationId: cmd.correlationId, causationId: null },
      state,
    );
  }
}
