import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, IllegalStateError, NotFoundError } from '../../domain/errors';
import { ProcessState } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { validateForm } from '../forms/forms';
import { CLOCK, Clock } from '../ports/clock';
import { ProcessRepository } from '../process/process-repository';
import { appliedWithKey } from './idempotency';

/** The operator's answer to the pending form (for example confirming callback results). */
export class ResumeProcessCommand extends Command<void> {
  constructor(
    readonly processId: string,
    readonly input: unknown,
    readonly actor: string,
    readonly correlationId: string,
    readonly idempotencyKey?: string,
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
    // The cached fold will do if it is suspended (the append carries its revision), but a
    // refusal is only ever given on a fresh read: the fold may be behind another instance.
    const cached = await this.repository.loadAtLeast(
      cmd.processId,
      -1,
      (state) => state.status === 'suspended' && state.pendingForm !== null,
    );
    try {
      await this.resumeOn(cmd, cached.state);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const fresh = await this.repository.load(cmd.processId);
      // A retried request whose first try was applied: answer as the first one did.
      if (cmd.idempotencyKey && appliedWithKey(fresh.events, cmd.idempotencyKey)) return;
      if (fresh.state.revision === cached.state.revision) throw error;
      await this.resumeOn(cmd, fresh.state);
    }
  }

  private async resumeOn(cmd: ResumeProcessCommand, state: ProcessState): Promise<void> {
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
      {
        actor: cmd.actor,
        correlationId: cmd.correlationId,
        causationId: null,
        idempotencyKey: cmd.idempotencyKey,
      },
      state,
    );
  }
}
