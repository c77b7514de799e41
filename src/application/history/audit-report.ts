/**
 * The audit report of one process: a timeline (time, actor, what happened, the state delta,
 * callback activity) and the hash chain's verdict. Built from the events as read from the store,
 * never from a cache, so an edit made behind Baton's back shows. The API
 * (`GET /api/processes/{id}/audit`) and `npm run audit` both use it, so they cannot disagree.
 */
import { NotFoundError, assertNever } from '../../domain/errors';
import { ProcessEvent, processStreamId } from '../../domain/process/events';
import {
  ProcessState,
  ProcessStatus,
  evolve,
  initialProcessState,
} from '../../domain/process/state';
import { EventStore, RecordedEvent } from '../ports/event-store';
import { LedgerStore } from '../ports/ledger-store';
import { StreamLedgerCheck, checkStreamAgainstLedger } from '../ledger/stream-ledger-check';
import { toProcessEvent } from '../folding/recorded-events';
import { canonicalJson } from './canonical-json';
import { ChainVerdict, verifyChain } from './chain-verdict';
import { hashOf } from './event-chain';

export interface StateDelta {
  /** Top-level state keys this event set, with their new values. */
  set: Record<string, unknown>;
  removed: string[];
}

/** What a callback-related event says about its token; never the token, nor its hash. */
export interface CallbackActivity {
  tokenId: string;
  step?: string;
  expiresAt?: string | null;
  progress?: unknown;
  payloadHash?: string;
  reason?: string;
  detail?: string;
}

export interface AuditEntry {
  revision: number;
  position: number;
  at: string;
  actor: string;
  type: string;
  summary: string;
  status?: { from: ProcessStatus; to: ProcessStatus };
  delta?: StateDelta;
  callback?: CallbackActivity;
  correlationId: string;
  hash: string | null;
}

export interface AuditReport {
  processId: string;
  workflow: string;
  workflowVersion: number;
  status: ProcessStatus;
  events: number;
  chain: ChainVerdict;
  timeline: AuditEntry[];
}

/** Reads the stream straight from the store and builds the report; NotFound when empty. */
export const auditProcess = async (store: EventStore, processId: string): Promise<AuditReport> => {
  const events = await store.readStream(processStreamId(processId));
  if (events.length === 0) throw new NotFoundError('Process not found');
  return buildAuditReport(processId, events);
};

/**
 * The chain verdict alone, from the store (`GET /api/processes/{id}/verify`), and, when the
 * service keeps a ledger, the stream compared with what the ledger recorded for it.
 */
export const verifyProcess = async (
  store: EventStore,
  processId: string,
  ledger?: LedgerStore,
): Promise<ChainVerdict & { processId: string; ledger?: StreamLedgerCheck }> => {
  const streamId = processStreamId(processId);
  // The ledger first, then the stream: every event at or below the ledger's position is then
  // in what we read, and what the ledger takes in meanwhile is left out on both sides.
  const position = ledger ? (await ledger.state()).position : 0;
  const leaves = ledger
    ? (await ledger.leavesOfStream(streamId, Number.MAX_SAFE_INTEGER)).filter(
        (leaf) => leaf.position <= position,
      )
    : [];
  const events = await store.readStream(streamId);
  if (events.length === 0 && leaves.length === 0) throw new NotFoundError('Process not found');
  const chain = verifyChain(events);
  if (!ledger) return { processId, ...chain };
  const check = checkStreamAgainstLedger(events, leaves, position);
  return { processId, ...chain, intact: chain.intact && check.intact, ledger: check };
};

export const buildAuditReport = (processId: string, events: RecordedEvent[]): AuditReport => {
  let state = initialProcessState();
  const timeline = events.map((recorded) => {
    const event = toProcessEvent(recorded);
    const after = evolve(state, event, recorded.metadata.at);
    const entry = describe(recorded, event, state, after);
    state = after;
    return entry;
  });
  return {
    processId,
    workflow: state.workflow,
    workflowVersion: state.workflowVersion,
    status: state.status,
    events: events.length,
    chain: verifyChain(events),
    timeline,
  };
};

function describe(
  recorded: RecordedEvent,
  event: ProcessEvent,
  before: ProcessState,
  after: ProcessState,
): AuditEntry {
  const entry: AuditEntry = {
    revision: recorded.revision,
    position: recorded.position,
    at: recorded.metadata.at,
    actor: actorOf(event) ?? recorded.metadata.actor,
    type: recorded.type,
    summary: summarise(event, before),
    correlationId: recorded.metadata.correlationId,
    hash: hashOf(recorded),
  };
  if (before.status !== after.status) entry.status = { from: before.status, to: after.status };
  const delta = stateDelta(before.state, after.state);
  if (delta) entry.delta = delta;
  const callback = callbackActivity(event, before);
  if (callback) entry.callback = callback;
  return entry;
}

/** Who acted, when the event names a person rather than the service. */
const actorOf = (event: ProcessEvent): string | undefined =>
  event.type === 'ConfirmationGiven' ||
  event.type === 'ProcessRetried' ||
  event.type === 'ProcessAborted'
    ? event.data.by
    : undefined;

const stepLabel = (index: number, name: string) => `step ${index} "${name}"`;

const tokenStep = (state: ProcessState, tokenId: string): string | undefined =>
  state.tokens.find((t) => t.tokenId === tokenId)?.name;

function summarise(event: ProcessEvent, before: ProcessState): string {
  switch (event.type) {
    case 'ProcessStarted':
      return `process started: ${event.data.workflow} v${event.data.workflowVersion}`;
    case 'StepCompleted':
      return `${stepLabel(event.data.index, event.data.name)} completed in ${event.data.durationMs} ms`;
    case 'StepSkipped':
      return `${stepLabel(event.data.index, event.data.name)} skipped`;
    case 'StepFailed':
      return `${stepLabel(event.data.index, event.data.name)} failed: ${event.data.error.message}${
        event.data.retryAt ? ` (retry at ${event.data.retryAt})` : ''
      }`;
    case 'CallbackIssued':
      return `callback issued for ${stepLabel(event.data.index, event.data.name)}`;
    case 'CallbackActionCompleted':
      return `callback action returned after ${event.data.durationMs} ms; waiting for the callback`;
    case 'CallbackProgressReported':
      return 'runner reported progress';
    case 'CallbackReceived':
      return `callback received for "${tokenStep(before, event.data.tokenId) ?? '?'}"`;
    case 'CallbackRejected':
      return `callback refused (${event.data.reason})`;
    case 'CallbackExpired':
      return 'callback token expired';
    case 'CallbackRevoked':
      return `callback token revoked: ${event.data.reason}`;
    case 'InputRequested':
      return `input requested from ${event.data.assignee}: "${event.data.form.title}"`;
    case 'ConfirmationGiven':
      return `${stepLabel(event.data.index, event.data.name)} confirmed by ${event.data.by}`;
    case 'ProcessRetried':
      return `retried by ${event.data.by} from step ${event.data.fromIndex}`;
    case 'ProcessAborted':
      return `aborted by ${event.data.by}${event.data.reason ? `: ${event.data.reason}` : ''}`;
    case 'ProcessCompleted':
      return 'process completed';
    case 'ProcessParked':
      return `parked by the runner after ${event.data.attempts} failed attempts: ${event.data.reason}`;
    case 'ProcessUnparked':
      return `handed back to the runner by ${event.data.by}`;
    case 'EventNotUnderstood':
      return `event ${event.data.type} (schema version ${event.data.schemaVersion}) not understood by this version`;
    default:
      return assertNever(event);
  }
}

function callbackActivity(event: ProcessEvent, before: ProcessState): CallbackActivity | undefined {
  switch (event.type) {
    case 'CallbackIssued':
      return {
        tokenId: event.data.tokenId,
        step: event.data.name,
        expiresAt: event.data.expiresAt,
      };
    case 'CallbackActionCompleted':
      return { tokenId: event.data.tokenId, step: event.data.name };
    case 'CallbackProgressReported':
      return {
        tokenId: event.data.tokenId,
        step: tokenStep(before, event.data.tokenId),
        progress: event.data.progress,
        ...(event.data.expiresAt !== undefined ? { expiresAt: event.data.expiresAt } : {}),
      };
    case 'CallbackReceived':
      return {
        tokenId: event.data.tokenId,
        step: tokenStep(before, event.data.tokenId),
        payloadHash: event.data.payloadHash,
      };
    case 'CallbackRejected':
      return {
        tokenId: event.data.tokenId,
        step: tokenStep(before, event.data.tokenId),
        reason: event.data.reason,
        detail: event.data.detail,
      };
    case 'CallbackExpired':
      return { tokenId: event.data.tokenId, step: tokenStep(before, event.data.tokenId) };
    case 'CallbackRevoked':
      return {
        tokenId: event.data.tokenId,
        step: tokenStep(before, event.data.tokenId),
        reason: event.data.reason,
      };
    default:
      return undefined;
  }
}

function stateDelta(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): StateDelta | undefined {
  if (before === after) return undefined;
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before) || canonicalJson(before[key]) !== canonicalJson(value)) set[key] = value;
  }
  const removed = Object.keys(before).filter((key) => !(key in after));
  return Object.keys(set).length === 0 && removed.length === 0 ? undefined : { set, removed };
}
