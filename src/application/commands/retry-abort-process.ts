import { Actor } from '../../domain/access/roles';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ProcessRepository } from '../process/process-repository';

export class RetryProcessCommand extends Command<void> {
  constructor(
    readonly processId: string,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

@CommandHandler(RetryProcessCommand)
export class RetryProcessHandler implements ICommandHandler<RetryProcessCommand, void> {
  constructor(private readonly repository: ProcessRepository) {}

  async execute(cmd: RetryProcessCommand): Promise<void> {
    await this.repository.execute(
      cmd.processId,
      { type: 'RetryProcess', by: cmd.actor.name },
      {
        actor: cmd.actor.name,
        correlationId: cmd.correlationId,
        causationId: null,
        idempotencyKey: cmd.idempotencyKey,
      },
    );
  }
}

export class AbortProcessCommand extends Command<void> {
  constructor(
    readonly processId: string,
    readonly reason: string,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

@CommandHandler(AbortProcessCommand)
export class AbortProcessHandler implements ICommandHandler<AbortProcessCommand, void> {
  constructor(private readonly repository: ProcessRepository) {}

  async execute(cmd: AbortProcessCommand): Promise<void> {
    await this.repository.execute(
      cmd.processId,
      { type: 'AbortProcess', by: cmd.actor.name, reason: cmd.reason },
      {
        actor: cmd.actor.name,
        correlationId: cmd.correlationId,
        causationId: null,
        idempotencyKey: cmd.idempotencyKey,
      },
    );
  }
}
