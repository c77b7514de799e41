import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '../../domain/errors';
import { UNKNOWN_CALLBACK } from '../../domain/process/decide';
import { matchToken } from '../callbacks/tokens';
import { ProcessRepository } from '../process/process-repository';

/** A progress report from the remote service on an open callback (JSON or plain text). */
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
  constructor(private readonly repository: ProcessRepository) {}

  async execute(cmd: ReportProgressCommand): Promise<void> {
    const { state } = await this.repository.load(cmd.processId);
    const token = matchToken(state.tokens, cmd.token);
    if (!token) throw new NotFoundError(UNKNOWN_CALLBACK);
    await this.repository.execute(
      cmd.processId,
      { type: 'ReportProgress', tokenId: token.tokenId, progress: cmd.progress },
      { actor: 'callback', correlationId: cmd.correlationId, causationId: null },
      state,
    );
  }
}
