import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { callbackExpiry } from '../../domain/workflow/callback-expiry';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { loadCallback } from '../callbacks/load-callback';
import { CLOCK, Clock } from '../ports/clock';
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
  ) {}

  async execute(cmd: ReportProgressCommand): Promise<void> {
    const { state, token, step } = await loadCallback(
      this.repository,
      this.registry,
      cmd.processId,
      cmd.token,
    );
    // Only a step with a heartbeat moves the deadline; otherwise the report leaves it alone.
    const expiresAt =
      step?.heartbeatTimeoutMs !== undefined
        ? callbackExpiry(step, new Date(token.issuedAt), this.clock.now())
        : undefined;
    await this.repository.execute(
      cmd.processId,
      { type: 'ReportProgress', tokenId: token.tokenId, progress: cmd.progress, expiresAt },
      { actor: 'callback', correlationId: cmd.correlationId, causationId: null },
      state,
    );
  }
}
