/**
 * The process event catalogue (DESIGN §4). Type names are stable strings stored with each
 * event; renaming a TypeScript type never changes what old streams mean.
 */
export type JsonObject = Record<string, unknown>;

export interface StepError {
  message: string;
  details: unknown;
  retryable: boolean;
}

export interface FormSnapshot {
  title: string;
  schema: JsonObject;
  values: JsonObject;
}

export type ProcessEvent =
  | {
      type: 'ProcessStarted';
      data: {
        processId: string;
        workflow: string;
        workflowVersion: number;
        input: JsonObject;
        state: JsonObject;
        /** Who started it (absent in histories written before authentication). */
        by?: string;
      };
    }
  | {
      type: 'StepCompleted';
      data: {
        index: number;
        name: string;
        delta: JsonObject;
        removedKeys: string[];
        startedAt: string;
        durationMs: number;
      };
    }
  | { type: 'StepSkipped'; data: { index: number; name: string } }
  | {
      type: 'StepFailed';
      data: { index: number; name: string; error: StepError; retryAt?: string };
    }
  | {
      type: 'CallbackIssued';
      data: {
        index: number;
        name: string;
        tokenId: string;
        tokenHash: string;
        expiresAt: string | null;
      };
    }
  | {
      type: 'CallbackActionCompleted';
      data: { index: number; name: string; tokenId: string; startedAt: string; durationMs: number };
    }
  | {
      type: 'CallbackProgressReported';
      /** expiresAt: the heartbeat deadline this report moved the token to, if it has one. */
      data: { tokenId: string; progress: unknown; expiresAt?: string | null };
    }
  | {
      type: 'CallbackReceived';
      data: { tokenId: string; payload: JsonObject; payloadHash: string };
    }
  | {
      type: 'CallbackRejected';
      data: { tokenId: string; reason: CallbackRejectionReason; detail: string };
    }
  | { type: 'CallbackExpired'; data: { tokenId: string } }
  | { type: 'CallbackRevoked'; data: { tokenId: string; reason: string } }
  | {
      type: 'InputRequested';
      /** roles: who may confirm (any of them); absent = any operator. */
      data: {
        index: number;
        name: string;
        assignee: string;
        form: FormSnapshot;
        roles?: string[];
      };
    }
  | {
      type: 'ConfirmationGiven';
      data: { index: number; name: string; by: string; input: JsonObject };
    }
  | { type: 'ProcessRetried'; data: { by: string; fromIndex: number } }
  | { type: 'ProcessAborted'; data: { by: string; reason: string } }
  | { type: 'ProcessCompleted'; data: Record<string, never> };

export type CallbackRejectionReason =
  'invalid_payload' | 'invalid_signature' | 'already_used' | 'revoked' | 'expired' | 'not_awaiting';

/** Bumped when an event's data shape changes; old streams keep their version in metadata. */
export const EVENT_SCHEMA_VERSION = 1;

const PROCESS_STREAM_PREFIX = 'process-';

export const processStreamId = (processId: string): string =>
  `${PROCESS_STREAM_PREFIX}${processId}`;

/** The process a stream belongs to, or null for a stream that is not a process. */
export const processIdOfStream = (streamId: string): string | null =>
  streamId.startsWith(PROCESS_STREAM_PREFIX) ? streamId.slice(PROCESS_STREAM_PREFIX.length) : null;
