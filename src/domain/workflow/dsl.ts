/**
 * The workflow DSL (DESIGN §2). Definitions are plain data with stable names so tests, the
 * registry and the UI can walk them; only `fn` / `action` / `validate` / `form` are code.
 */
import { ROLE_NAME } from '../access/roles';
import { JsonObject } from '../process/events';

export type State = Readonly<JsonObject>;

/** A class whose instances class-validator can check (the domain only needs its shape). */
export type FormClass = new () => object;

/** Minimal outbound HTTP a step may use; the runner injects an implementation. */
export interface StepHttpOptions {
  signal?: AbortSignal;
  /** Extra request headers (Baton adds the W3C `traceparent` when tracing is on). */
  headers?: Record<string, string>;
}

export interface StepHttp {
  post(
    url: string,
    body: unknown,
    options?: StepHttpOptions,
  ): Promise<{ status: number; body: unknown }>;
}

export interface StepContext {
  readonly processId: string;
  readonly workflow: string;
  /** Time the step started, from the injected clock. */
  readonly now: Date;
  readonly http: StepHttp;
  /** Deployment settings a workflow may need (for example ANSIBLE_PROXY_URL). */
  readonly settings: Readonly<Record<string, string | undefined>>;
  /** A fresh unique id (ids, like time, are handed to steps rather than made by them). */
  newId(): string;
  /**
   * Aborted when the step's deadline passes (the step then fails, retryable) or the instance
   * shuts down past its grace period. `ctx.http` already honours it; pass it to anything else
   * that can wait.
   */
  readonly signal: AbortSignal;
  /** Set only inside a callback step's action: where the remote service reports back. */
  readonly callbackUrl?: string;
  readonly callbackRoute?: string;
  readonly progressUrl?: string;
}

export type StepResult = JsonObject | void | undefined;
export type StepFn = (state: State, ctx: StepContext) => StepResult | Promise<StepResult>;
export type Predicate = (state: State) => boolean;

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  backoffFactor: number;
  maxDelayMs: number;
}

interface StepBase {
  readonly name: string;
  /** Set by `conditional`: the step is skipped (StepSkipped) when this returns false. */
  readonly condition?: Predicate;
}

export interface ActionStep extends StepBase {
  readonly kind: 'step';
  readonly fn: StepFn;
  readonly retry?: RetryPolicy;
}

export interface CallbackStep extends StepBase {
  readonly kind: 'callback';
  readonly action: ActionStep;
  readonly validate?: ActionStep;
  /** State key the callback payload is stored under. */
  readonly resultKey: string;
  /** Optional class-validator class the payload must satisfy (else 400, token stays open). */
  readonly payload?: FormClass;
  /** Milliseconds from issue until the token expires and the step fails. */
  readonly timeoutMs?: number;
  /** Milliseconds without a sign of life (issue or progress report) before the token expires. */
  readonly heartbeatTimeoutMs?: number;
}

export interface FormSpec {
  title: string;
  form: FormClass;
  /** Pre-filled values shown to the operator; merged under the operator's input. */
  values?: JsonObject;
}

export interface InputStep extends StepBase {
  readonly kind: 'input';
  /** Who is expected to act (a team label shown with the form, as in orchestrator-core). */
  readonly assignee: string;
  /** Who may confirm: a holder of any of these roles (admins always may). Absent = operators. */
  readonly roles?: readonly string[];
  /** Returning undefined skips the step (for example when there is nothing to confirm). */
  readonly form: (state: State) => FormSpec | undefined;
}

export type Step = ActionStep | CallbackStep | InputStep;
/** Step lists nest freely; `workflow` flattens them. */
export type StepList = ReadonlyArray<Step | StepList>;

export const step = (name: string, fn: StepFn): ActionStep => ({ kind: 'step', name, fn });

const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 1_000,
  backoffFactor: 2,
  maxDelayMs: 60_000,
};

/** A step retried automatically with exponential backoff before the process is failed. */
export const retryStep = (
  name: string,
  fn: StepFn,
  policy: Partial<RetryPolicy> = {},
): ActionStep => ({
  kind: 'step',
  name,
  fn,
  retry: { ...DEFAULT_RETRY, ...policy },
});

export interface CallbackStepOptions {
  name: string;
  action: ActionStep;
  validate?: ActionStep;
  resultKey?: string;
  payload?: FormClass;
  timeoutMs?: number;
  heartbeatTimeoutMs?: number;
}

export const callbackStep = (options: CallbackStepOptions): CallbackStep => ({
  kind: 'callback',
  name: options.name,
  action: options.action,
  validate: options.validate,
  resultKey: options.resultKey ?? 'callback_result',
  payload: options.payload,
  timeoutMs: options.timeoutMs,
  heartbeatTimeoutMs: options.heartbeatTimeoutMs,
});

export interface InputStepOptions {
  assignee: string;
  roles?: readonly string[];
}

export const inputStep = (
  name: string,
  options: InputStepOptions,
  form: (state: State) => FormSpec | undefined,
): InputStep => {
  for (const role of options.roles ?? []) {
    if (!ROLE_NAME.test(role)) throw new Error(`Input step "${name}": invalid role name "${role}"`);
  }
  return {
    kind: 'input',
    name,
    assignee: options.assignee,
    ...(options.roles?.length ? { roles: [...options.roles] } : {}),
    form,
  };
};

/** The orchestrator-core pattern: callback step (with validation), then operator confirmation. */
export const callbackInteraction = (
  action: ActionStep,
  options: Omit<CallbackStepOptions, 'name' | 'action'> & { confirm?: InputStep },
): StepList => {
  const { confirm, ...rest } = options;
  const callback = callbackStep({ name: action.name, action, ...rest });
  return confirm ? [callback, confirm] : [callback];
};

/** Runs `steps` only when `predicate` holds at the time each step is reached. */
export const conditional = (predicate: Predicate, steps: StepList): StepList =>
  flattenSteps(steps).map((s) => ({
    ...s,
    condition: s.condition ? (st: State) => predicate(st) && s.condition!(st) : predicate,
  }));

/** Groups steps under one name; names are prefixed so each stays unique and stable. */
export const stepGroup = (name: string, steps: StepList): StepList =>
  flattenSteps(steps).map((s) => ({ ...s, name: `${name} / ${s.name}` }));

export const flattenSteps = (steps: StepList): Step[] =>
  steps.flatMap((s) => (Array.isArray(s) ? flattenSteps(s as StepList) : [s as Step]));

export interface WorkflowDefinition {
  readonly name: string;
  readonly description: string;
  readonly target: 'CREATE' | 'MODIFY' | 'TERMINATE' | 'SYSTEM';
  readonly version: number;
  readonly initialInput?: FormClass;
  readonly steps: readonly Step[];
  /**
   * A one-line, customer-visible description of a process from its validated start input
   * (customer, sites, ...): what the process list shows and its text search matches. It must
   * not include secrets: it is stored in the read model.
   */
  readonly describe?: (input: Readonly<JsonObject>) => string;
}

export interface WorkflowOptions extends Omit<WorkflowDefinition, 'steps' | 'version'> {
  version?: number;
  steps: StepList;
}

export const workflow = (options: WorkflowOptions): WorkflowDefinition => {
  const steps = flattenSteps(options.steps);
  const seen = new Set<string>();
  for (const s of steps) {
    // Step names identify steps in events and the UI; duplicates would make history ambiguous.
    if (seen.has(s.name))
      throw new Error(`Workflow ${options.name}: duplicate step name "${s.name}"`);
    seen.add(s.name);
  }
  return { ...options, version: options.version ?? 1, steps };
};
