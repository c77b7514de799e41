/**
 * The runner's parts wired by hand over one store, as unit tests drive them: no Nest, no
 * subscription (the test calls `driver.drive` itself), one owner for every partition.
 */
import { SoleOwnership } from '../../src/application/ownership/sole-ownership';
import { EventStore } from '../../src/application/ports/event-store';
import { Clock, IdGenerator } from '../../src/application/ports/clock';
import { HttpClient } from '../../src/application/ports/http-client';
import { RuntimeConfig } from '../../src/application/ports/runtime-config';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { CallbackStepRunner } from '../../src/application/runner/callback-step-runner';
import { ProcessDriver } from '../../src/application/runner/process-driver';
import { StepContextFactory } from '../../src/application/runner/step-context';
import { StepRunner } from '../../src/application/runner/step-runner';
import { WorkflowRegistry } from '../../src/domain/workflow/registry';

export const wireRunner = (
  store: EventStore,
  registry: WorkflowRegistry,
  {
    clock,
    ids,
    remote,
    runtime,
  }: {
    clock: Clock;
    ids: IdGenerator;
    remote: HttpClient;
    runtime: RuntimeConfig;
  },
) => {
  const repository = new ProcessRepository(store, clock);
  const contexts = new StepContextFactory(clock, ids, remote, runtime);
  const callbacks = new CallbackStepRunner(repository, contexts, clock, ids, runtime);
  const steps = new StepRunner(repository, contexts, callbacks, clock);
  const driver = new ProcessDriver(
    repository,
    registry,
    steps,
    callbacks,
    clock,
    new SoleOwnership(),
  );
  return { repository, driver };
};
