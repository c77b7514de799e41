/**
 * The public surface of Baton (package `baton-orchestrator`). A team's code imports only from
 * here and from `baton-orchestrator/testing`; everything else under src/ is internal and may
 * change without notice.
 */

import type * as BatonModuleFile from './hosting/baton.module';
import type * as CreateBatonFile from './hosting/create-baton';

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
// Running Baton: inside a team's NestJS application, or as a service of its own. Loaded on
// first use: a workflows module imports this package for the DSL alone, and a tool that loads
// one without serving (the offline rebuild) must not pay for Nest's HTTP and GraphQL wiring
// (about 0.6 s of CPU). `exports.X = undefined` first, as TypeScript writes its own exports, so
// Node's ES module loader (which reads the names from the source) still finds them.
export declare const BatonModule: typeof BatonModuleFile.BatonModule;
export type BatonModule = BatonModuleFile.BatonModule;
export declare const createBaton: typeof CreateBatonFile.createBaton;
exports.BatonModule = undefined;
exports.createBaton = undefined;
Object.defineProperties(exports, {
  BatonModule: {
    enumerable: true,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    get: () => (require('./hosting/baton.module') as typeof BatonModuleFile).BatonModule,
  },
  createBaton: {
    enumerable: true,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    get: () => (require('./hosting/create-baton') as typeof CreateBatonFile).createBaton,
  },
});
export type { BatonAsyncOptions } from './hosting/baton.module';
export type { RunningBaton } from './hosting/create-baton';
export type { BatonOptions } from './hosting/baton-options';
export type { BatonConfig } from './config';
