/**
 * A span per command, when tracing is on (nothing is wrapped when it is off). A command about
 * an existing process (a callback, a confirmation, retry, abort) is a span in that process's
 * trace, linked to the request that brought it, and the request's span is linked back: so the
 * process's one trace shows its callback and its confirmation, wherever and whenever they came.
 */
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CommandBus, ICommand } from '@nestjs/cqrs';
import { ProcessRepository } from '../process/process-repository';
import { TRACING, Tracing } from '../ports/tracing';
import { processTraceparent } from './process-trace';

/** `command StartProcess` for a StartProcessCommand, worked out once per command class. */
const spanNames = new Map<unknown, string>();
const spanNameOf = (command: ICommand): string => {
  let name = spanNames.get(command.constructor);
  if (name === undefined) {
    name = `command ${command.constructor.name.replace(/Command$/, '')}`;
    spanNames.set(command.constructor, name);
  }
  return name;
};

@Injectable()
export class CommandTracing implements OnModuleInit {
  constructor(
    private readonly commands: CommandBus,
    private readonly repository: ProcessRepository,
    @Inject(TRACING) private readonly tracing: Tracing,
  ) {}

  onModuleInit(): void {
    if (!this.tracing.enabled) return;
    const execute = this.commands.execute.bind(this.commands);
    this.commands.execute = (async (command: ICommand) => {
      const name = spanNameOf(command);
      const processId = (command as { processId?: unknown }).processId;
      const process = typeof processId === 'string' ? await this.traceOf(processId) : undefined;
      if (process === undefined) return this.tracing.span(name, {}, () => execute(command));
      const request = this.tracing.current();
      this.tracing.linkCurrent([process]);
      return this.tracing.span(
        name,
        { 'baton.process_id': processId as string },
        () => execute(command),
        {
          parent: process,
          links: request ? [request] : [],
        },
      );
    }) as CommandBus['execute'];
  }

  /**
   * The process's trace, or undefined (unknown process, malformed id, written untraced). A
   * cached fold will do however old it is: its newest traceparent is in the process's trace even
   * if events from elsewhere followed it, and the handler decides on that same fold without a
   * read (`loadAtLeast`). `read` asked the store again once the fold was over a second old, which
   * with tracing on cost most callbacks and confirmations one more statement.
   */
  private async traceOf(processId: string): Promise<string | undefined> {
    try {
      return processTraceparent((await this.repository.loadAtLeast(processId, -1)).events);
    } catch {
      return undefined; // the handler itself answers for an unknown or malformed process
    }
  }
}
