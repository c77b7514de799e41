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

// Form helpers: schema hints for the operator UI on class-validator form classes.
export { ReadOnly, LongText, Describe } from './interfaces/forms/form-helpers';
export type { FieldDecorator } from './interfaces/forms/form-helpers';

// The errors a step may throw: ProcessFailureError fails the process (an operator may retry),
// RetryableStepError marks a failure a retryStep tries again.
export { ProcessFailureError, RetryableStepError } from './domain/errors';

// Forms of several pages, each page an input step (docs/dsl.md).
export { inputPages } from './domain/workflow/form-pages';
export type { FormPage } from './domain/workflow/form-pages';
// Running Baton: inside a team's NestJS application, or as a service of its own.
export { BatonModule } from './hosting/baton.module';
export type { BatonAsyncOptions } from './hosting/baton.module';
export { createBaton } from './hosting/create-baton';
export type { RunningBaton } from './hosting/create-baton';
export type { BatonOptions } from './hosting/baton-options';
export type { BatonConfig } from './config';
