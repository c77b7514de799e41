import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { IllegalStateError, NotFoundError } from '../../domain/errors';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { validateForm } from '../forms/forms';
import { CLOCK, Clock } from '../ports/clock';
import { ProcessRepository } from '../process/process-repository';

/** The operator's answer to the pending form (for example confirming callback results). */
export class ResumeProcessCommand extends Command<void> {
  constructor(
    readonly processId: string,
    readonly input: unknown,
    readonly actor: string,
    readonly correlationId: string,
  ) {
    super();
  }
}

@CommandHandler(ResumeProcessCommand)
export class ResumeProcessHandler implements ICommandHandler<ResumeProcessCommand, void> {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly repository: ProcessRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(cmd: ResumeProcessCommand): Promise<void> {
    // The cached fold will do if it is suspended (the append carries its revision); a refusal
    // below is only ever based on a fresh read.
    const { state } = await this.repository.loadAtLeast(
      cmd.processId,
      -1,
      (cached) => cached.status === 'suspended' && cached.pendingForm !== null,
    );
    if (state.revision < 0) throw new NotFoundError('Process not found');
    if (state.status !== 'suspended' || !state.pendingForm) {
      throw new IllegalStateError(`Process is ${state.status}, not suspended`);
    }
    const step = this.registry.get(state.workflow, state.workflowVersion).steps[
      state.pendingForm.index
    ];
    const spec = step?.kind === 'input' ? step.form(state.state) : undefined;
    if (!spec)
      throw new IllegalStateError('The pending form no longer exists in this workflow version');
    const submitted = typeof cmd.input === 'object' && cmd.input !== null ? cmd.input : {};
    // Pre-filled values (what the operator was shown) count as answered unless overridden.
    const input = await validateForm(
      spec.form,
      { ...(spec.values ?? {}), ...submitted },
      'Invalid form input',
    );
    await this.repository.execute(
      cmd.processId,
      {
        type: 'GiveConfirmation',
        index: state.pendingForm.index,
        by: cmd.actor,
        input,
        at: this.clock.now().toISOString(),
      },
      { actor: cmd.actor, correlationId: cmd.correlationId, causationId: null },
      state,
    );
  }
}
