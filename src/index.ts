/**
 * The public surface of Baton (package `baton-orchestrator`). A team's code imports only from
 * here and from `baton-orchestrator/testing`; everything else under src/ is internal and may
 * change without notice.
 */

// The workflow DSL (docs/dsl.md).
export {
  workflow,
  step,
  retryStep,
  callbackStep,
  inputStep,
  callbackInteraction,
  conditional,
  stepGroup,
} from './domain/workflow/dsl';
export type {
  ActionStep,
  CallbackStep,
  CallbackStepOptions,
  FormClass,
  FormSpec,
  InputStep,
  InputStepOptions,
  Predicate,
  RetryPolicy,
  State,
  Step,
  StepContext,
  StepFn,
  StepHttp,
  StepList,
  StepResult,
  WorkflowDefinition,
  WorkflowOptions,
} from './domain/workflow/dsl';
export type { JsonObject } from './domain/process/events';

// The errors a step may throw: ProcessFailureError fails the process (an operator may retry),
// RetryableStepError marks a failure a retryStep tries again.
export { ProcessFailureError, RetryableStepError } from './domain/errors';
