/**
 * Commands the process decider accepts. Every effect a step had (its delta, its error, the
 * token it was handed) arrives inside the command, so re-deciding after a concurrency conflict
 * never runs a step twice.
 */
import { FormSnapshot, JsonObject, StepError } from './events';

export type ProcessCommand =
  | {
      type: 'StartProcess';
      processId: string;
      workflow: string;
      workflowVersion: number;
      input: JsonObject;
      initialState: JsonObject;
      by: string;
    }
  | {
      type: 'CompleteStep';
      index: number;
      name: string;
      delta: JsonObject;
      removedKeys: string[];
      startedAt: string;
      durationMs: number;
      /** Steps in the workflow: completing the last one completes the process too. */
      stepCount?: number;
    }
  | { type: 'SkipStep'; index: number; name: string }
  | { type: 'FailStep'; index: number; name: string; error: StepError; retryAt?: string }
  | {
      type: 'IssueCallback';
      index: number;
      name: string;
      tokenId: string;
      tokenHash: string;
      expiresAt: string | null;
    }
  | { type: 'CompleteCallbackAction'; tokenId: string; startedAt: string; durationMs: number }
  | { type: 'FailCallbackAction'; tokenId: string; error: StepError }
  | { type: 'ReissueCallback'; tokenId: string }
  | {
      type: 'ReceiveCallback';
      tokenId: string;
      payload: unknown;
      payloadHash: string;
      payloadError: string | null;
      /** Why the workflow's callback signature did not verify; null when it did or is not used. */
      signatureError?: string | null;
    }
  | {
      type: 'ReportProgress';
      tokenId: string;
      progress: unknown;
      expiresAt?: string | null;
      signatureError?: string | null;
      /** Reports one token may take, by count and by summed size; past either it is refused. */
      limits?: { maxReports: number; maxBytes: number };
    }
  | { type: 'ExpireCallback'; tokenId: string; now: string }
  | {
      type: 'RequestInput';
      index: number;
      name: string;
      assignee: string;
      form: FormSnapshot;
      roles?: string[];
    }
  | {
      type: 'GiveConfirmation';
      index: number;
      by: string;
      /** The confirming actor's roles, checked against the step's. */
      roles: readonly string[];
      input: JsonObject;
      at: string;
    }
  | { type: 'RetryProcess'; by: string }
  | { type: 'RetryDue'; now: string }
  | { type: 'AbortProcess'; by: string; reason: string }
  | { type: 'CompleteProcess'; stepCount: number }
  | { type: 'ParkProcess'; reason: string; attempts: number };
