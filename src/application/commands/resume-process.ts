import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor, mayConfirm } from '../../domain/access/roles';
import {
  DomainError,
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
} from '../../domain/errors';
import { confirmationRefusal } from '../../domain/process/decide';
import { JsonObject } from '../../domain/process/events';
import { ProcessState } from '../../domain/process/state';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { validateForm } from '../forms/forms';
import { readOnlyFields, readOnlyViolations } from '../forms/read-only-fields';
import { CLOCK, Clock } from '../ports/clock';
import { ProcessRepository } from '../process/process-repository';
import { appliedWithKey } from './idempotency';

/** The operator's answer to the pending form (for example confirming callback results). */
export class ResumeProcessCommand extends Command<void> {
  constructor(
    readonly processId: string,
    readonly input: unknown,
    readonly actor: Actor,
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
      if (cmd.idempotencyKey && appliedWithKey(fresh.events, cmd.idempotencyKey, cmd.actor.name))
        return;
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
    // Rights first: someone who may not confirm learns nothing about what the form expects.
    if (!mayConfirm(cmd.actor, state.pendingForm.roles))
      throw new ForbiddenError(confirmationRefusal(state.pendingForm.roles ?? []));
    const submitted = (
      typeof cmd.input === 'object' && cmd.input !== null ? cmd.input : {}
    ) as JsonObject;
    const shown = state.pendingForm.form;
    // Pre-filled values (what the operator was shown, as recorded when the form was requested)
    // count as answered unless overridden; read-only ones cannot be, and every problem with the
    // submission is reported at once.
    const changedReadOnly = readOnlyViolations(shown, submitted);
    let input: JsonObject;
    try {
      input = await validateForm(
        spec.form,
        {
          ...(spec.values ?? {}),
          ...submitted,
          ...pick(shown.values, readOnlyFields(shown.schema)),
        },
        'Invalid form input',
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError('Invalid form input', [
        ...changedReadOnly,
        ...error.validationErrors,
      ]);
    }
    if (changedReadOnly.length > 0)
      throw new ValidationError('Invalid form input', changedReadOnly);
    await this.repository.execute(
      cmd.processId,
      {
        type: 'GiveConfirmation',
        index: state.pendingForm.index,
        by: cmd.actor.name,
        roles: cmd.actor.roles,
        input,
        at: this.clock.now().toISOString(),
      },
      {
        actor: cmd.actor.name,
        correlationId: cmd.correlationId,
        causationId: null,
        idempotencyKey: cmd.idempotencyKey,
      },
      state,
    );
  }
}

const pick = (values: JsonObject, keys: string[]): JsonObject =>
  Object.fromEntries(keys.filter((k) => k in values).map((k) => [k, values[k]]));
