import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError } from '../../domain/errors';
import { Actor } from '../../domain/access/roles';
import { JsonObject } from '../../domain/process/events';
import { initialProcessState } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { validateForm } from '../forms/forms';
import { ID_GENERATOR, IdGenerator } from '../ports/clock';
import { ProcessRepository } from '../process/process-repository';
import { assertSameStart, processIdForKey } from './idempotency';

export class StartProcessCommand extends Command<{ id: string }> {
  constructor(
    readonly workflow: string,
    readonly input: unknown,
    readonly actor: Actor,
    readonly correlationId: string,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

@CommandHandler(StartProcessCommand)
export class StartProcessHandler implements ICommandHandler<StartProcessCommand, { id: string }> {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly repository: ProcessRepository,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute(cmd: StartProcessCommand): Promise<{ id: string }> {
    const definition = this.registry.latest(cmd.workflow);
    // Validate before anything is written: bad input leaves no trace in the store.
    const input: JsonObject = definition.initialInput
      ? await validateForm(definition.initialInput, cmd.input ?? {}, 'Invalid initial input')
      : {};
    const key = cmd.idempotencyKey;
    const id =
      key === undefined ? this.ids.uuid() : processIdForKey(definition.name, cmd.actor.name, key);
    try {
      const result = await this.repository.execute(
        id,
        {
          type: 'StartProcess',
          processId: id,
          workflow: definition.name,
          workflowVersion: definition.version,
          input,
          initialState: { process_id: id, ...input },
          by: cmd.actor.name,
        },
        {
          actor: cmd.actor.name,
          correlationId: cmd.correlationId,
          causationId: null,
          idempotencyKey: key,
        },
        initialProcessState(), // a new id: nothing to read; a clash would conflict on no_stream
      );
      // Started before with this key: the same request gets the same answer.
      if (result.alreadyApplied) assertSameStart((await this.repository.load(id)).events[0], input);
    } catch (error) {
      if (key === undefined || !(error instanceof IllegalStateError)) throw error;
      // Started with this key by a request the stream does not attribute to this caller.
      const { events } = await this.repository.load(id);
      assertSameStart(events[0], input);
    }
    return { id };
  }
}
