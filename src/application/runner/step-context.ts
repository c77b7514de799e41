import { Inject, Injectable } from '@nestjs/common';
import { ProcessState } from '../../domain/process/state';
import { StepContext, WorkflowDefinition } from '../../domain/workflow/dsl';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../ports/clock';
import { HTTP_CLIENT, HttpClient } from '../ports/http-client';
import { RUNTIME_CONFIG, RuntimeConfig } from '../ports/runtime-config';

/** What workflow code gets besides state: time, ids, HTTP and settings, all injected. */
@Injectable()
export class StepContextFactory {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(HTTP_CLIENT) private readonly http: HttpClient,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  create(
    definition: WorkflowDefinition,
    state: ProcessState,
    extra: Partial<StepContext> = {},
  ): StepContext {
    return {
      processId: state.processId,
      workflow: definition.name,
      now: this.clock.now(),
      http: this.http,
      settings: this.config.workflowSettings,
      newId: () => this.ids.uuid(),
      ...extra,
    };
  }
}
