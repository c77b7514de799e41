/**
 * The process event catalogue (DESIGN §4). Type names are stable strings stored with each
 * event; renaming a TypeScript type never changes what old streams mean.
 */
import {
  Static,
  anyJson,
  arrayOf,
  boolean,
  dateTime,
  integer,
  jsonObject,
  nullable,
  object,
  oneOfStrings,
  optional,
  string,
} from '../schema/json-schema';

export type JsonObject = Record<string, unknown>;

/**
 * The catalogue is written once, as schemas (domain/schema/json-schema.ts): the TypeScript types
 * below are derived from it, and so is the JSON Schema that `GET /api/events/schema` publishes.
 */
export const STEP_ERROR = object({
  message: string(),
  details: anyJson('What the step reported beyond the message'),
  retryable: boolean(),
});
export type StepError = Static<typeof STEP_ERROR>;

export const FORM_SNAPSHOT = object({
  title: string(),
  schema: jsonObject('JSON Schema of the form'),
  values: jsonObject('Pre-filled values'),
});
export type FormSnapshot = Static<typeof FORM_SNAPSHOT>;

export const CALLBACK_REJECTION_REASON = oneOfStrings(
  'invalid_payload',
  'invalid_signature',
  'already_used',
  'revoked',
  'expired',
  'not_awaiting',
);
export type CallbackRejectionReason = Static<typeof CALLBACK_REJECTION_REASON>;

const stepIndex = () => integer({ minimum: 0, description: 'Index of the step in the workflow' });
const stepName = () => string({ description: 'Stable name of the step' });
const tokenId = () =>
  string({ description: 'Id of the callback token (never the token, which is never stored)' });

/** Event type → schema of its data. Type names are stored; never rename one. */
export const EVENT_CATALOGUE = {
  ProcessStarted: object({
    processId: string({ format: 'uuid' }),
    workflow: string(),
    workflowVersion: integer({ minimum: 1 }),
    input: jsonObject('The validated initial form input'),
    state: jsonObject('The initial state'),
    by: optional(
      string({ description: 'Who started it (absent in histories from before authentication)' }),
    ),
  }),
  StepCompleted: object({
    index: stepIndex(),
    name: stepName(),
    delta: jsonObject('Keys the step set (merged shallowly into the state)'),
    removedKeys: arrayOf(string()),
    startedAt: dateTime(),
    durationMs: integer({ minimum: 0 }),
  }),
  StepSkipped: object({ index: stepIndex(), name: stepName() }),
  StepFailed: object({
    index: stepIndex(),
    name: stepName(),
    error: STEP_ERROR,
    retryAt: optional(dateTime()),
  }),
  CallbackIssued: object({
    index: stepIndex(),
    name: stepName(),
    tokenId: tokenId(),
    tokenHash: string({ description: 'SHA-256 of the token, hex' }),
    expiresAt: nullable(dateTime()),
  }),
  CallbackActionCompleted: object({
    index: stepIndex(),
    name: stepName(),
    tokenId: tokenId(),
    startedAt: dateTime(),
    durationMs: integer({ minimum: 0 }),
  }),
  /** expiresAt: the heartbeat deadline this report moved the token to, if it has one. */
  CallbackProgressReported: object({
    tokenId: tokenId(),
    progress: anyJson('The report as the runner sent it (JSON or text)'),
    expiresAt: optional(nullable(dateTime())),
  }),
  CallbackReceived: object({
    tokenId: tokenId(),
    payload: jsonObject('The accepted callback body'),
    payloadHash: string({ description: 'SHA-256 of the body as received, hex' }),
  }),
  CallbackRejected: object({
    tokenId: tokenId(),
    reason: CALLBACK_REJECTION_REASON,
    detail: string(),
  }),
  CallbackExpired: object({ tokenId: tokenId() }),
  CallbackRevoked: object({ tokenId: tokenId(), reason: string() }),
  InputRequested: object({
    index: stepIndex(),
    name: stepName(),
    assignee: string(),
    form: FORM_SNAPSHOT,
    roles: optional(
      arrayOf(string({ description: 'Who may confirm: any of these roles; absent = operators' })),
    ),
  }),
  ConfirmationGiven: object({
    index: stepIndex(),
    name: stepName(),
    by: string({ description: 'Who confirmed' }),
    input: jsonObject('The validated form input'),
  }),
  ProcessRetried: object({ by: string(), fromIndex: stepIndex() }),
  ProcessAborted: object({ by: string(), reason: string() }),
  ProcessCompleted: object({}),
  /** The runner gave up on the process after repeated unexpected failures; an operator looks. */
  ProcessParked: object({
    reason: string({ description: 'What kept failing' }),
    attempts: integer({ minimum: 1 }),
  }),
  /** An operator handed a parked process back to the runner (retry). */
  ProcessUnparked: object({ by: string() }),
};

export type ProcessEventType = keyof typeof EVENT_CATALOGUE;

export type StoredProcessEvent = {
  [K in ProcessEventType]: { type: K; data: Static<(typeof EVENT_CATALOGUE)[K]> };
}[ProcessEventType];

/**
 * Never stored: what a stored event this build does not know becomes when read (a newer
 * version wrote it during a rolling deploy; see upcast.ts). It parks the process instead of
 * breaking every fold that meets it.
 */
export interface EventNotUnderstood {
  type: 'EventNotUnderstood';
  data: { type: string; schemaVersion: number };
}

export type ProcessEvent = StoredProcessEvent | EventNotUnderstood;

export const PROCESS_EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as ProcessEventType[];

export const isProcessEventType = (type: string): type is ProcessEventType =>
  Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, type);

/** Bumped when an event's data shape changes; old streams keep their version in metadata. */
export const EVENT_SCHEMA_VERSION = 1;

export const PROCESS_STREAM_PREFIX = 'process-';

export const processStreamId = (processId: string): string =>
  `${PROCESS_STREAM_PREFIX}${processId}`;

/** The process a stream belongs to, or null for a stream that is not a process. */
export const processIdOfStream = (streamId: string): string | null =>
  streamId.startsWith(PROCESS_STREAM_PREFIX) ? streamId.slice(PROCESS_STREAM_PREFIX.length) : null;
