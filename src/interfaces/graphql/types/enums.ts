import { registerEnumType } from '@nestjs/graphql';
import { TokenStatus } from '../../../domain/process/state';
import { CallbackRejectionReason } from '../../../domain/process/events';
import { CallbackActivityKind } from '../../../application/ports/process-summaries';
import { CallbackAuditEntry, ListedStatus } from '../../../application/queries/read-model-queries';
import { StepStatus } from '../../../application/queries/process-detail';

/**
 * GraphQL enums whose values are the application's own strings, so results pass through
 * without mapping. Each `Record` fails to compile when the domain gains a value.
 */
const enumOf = <T extends string>(name: string, values: Record<T, true>, description: string) => {
  const keys = Object.keys(values) as T[];
  const enumObject = Object.fromEntries(keys.map((k) => [k, k])) as Record<T, T>;
  registerEnumType(enumObject, { name, description });
  return enumObject;
};

export const ProcessStatusEnum = enumOf<ListedStatus>(
  'ProcessStatus',
  {
    created: true,
    running: true,
    awaiting_callback: true,
    suspended: true,
    waiting: true,
    failed: true,
    aborted: true,
    completed: true,
    parked: true,
  },
  'Where a process is in its lifecycle. `parked` (the runner gave up on it until an operator ' +
    'retries) is shown by the process list and counts; the detail keeps the status it had.',
);

export const StepStatusEnum = enumOf<StepStatus>(
  'StepStatus',
  {
    pending: true,
    running: true,
    awaiting_callback: true,
    suspended: true,
    completed: true,
    skipped: true,
    failed: true,
  },
  'Where one step of a process is.',
);

export const TokenStatusEnum = enumOf<TokenStatus>(
  'TokenStatus',
  { open: true, received: true, revoked: true, expired: true },
  'State of the current callback token of a process.',
);

export const CallbackAuditStatusEnum = enumOf<CallbackAuditEntry['status']>(
  'CallbackAuditStatus',
  { issued: true, action_completed: true, received: true, expired: true, revoked: true },
  'What last happened to a callback token.',
);

export const CallbackRejectionReasonEnum = enumOf<CallbackRejectionReason>(
  'CallbackRejectionReason',
  {
    invalid_payload: true,
    invalid_signature: true,
    already_used: true,
    revoked: true,
    expired: true,
    not_awaiting: true,
  },
  'Why a call to a callback URL was refused.',
);

export const CallbackActivityEnum = enumOf<CallbackActivityKind>(
  'CallbackActivity',
  {
    issued: true,
    action_completed: true,
    progress: true,
    received: true,
    rejected: true,
    expired: true,
    revoked: true,
  },
  'What the last callback event of a process was.',
);
