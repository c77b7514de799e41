/**
 * Baton's statuses as orchestrator-core (OC) names them. OC's process statuses are lower-case
 * words; a process the runner parked (gave up on) is `failed` there, since OC has no such state
 * and an operator must look at it either way.
 */
import { ListedStatus } from '../../application/queries/read-model-queries';
import { assertNever } from '../../domain/errors';

export const OC_PROCESS_STATUSES = [
  'created',
  'running',
  'suspended',
  'waiting',
  'awaiting_callback',
  'aborted',
  'failed',
  'api_unavailable',
  'inconsistent_data',
  'completed',
  'resumed',
] as const;
export type OcProcessStatus = (typeof OC_PROCESS_STATUSES)[number];

export const ocStatusOf = (status: ListedStatus): OcProcessStatus => {
  switch (status) {
    case 'created':
    case 'running':
    case 'awaiting_callback':
    case 'suspended':
    case 'waiting':
    case 'failed':
    case 'aborted':
    case 'completed':
      return status;
    case 'parked':
      return 'failed';
    default:
      return assertNever(status);
  }
};

/** The Baton statuses an OC status filter stands for (none for OC-only ones such as `resumed`). */
export const batonStatusesOf = (status: string): ListedStatus[] => {
  const known = OC_PROCESS_STATUSES as readonly string[];
  if (!known.includes(status)) return [];
  const oc = status as OcProcessStatus;
  switch (oc) {
    case 'failed':
      return ['failed', 'parked'];
    case 'api_unavailable':
    case 'inconsistent_data':
    case 'resumed':
      return [];
    case 'created':
    case 'running':
    case 'suspended':
    case 'waiting':
    case 'awaiting_callback':
    case 'aborted':
    case 'completed':
      return [oc];
    default:
      return assertNever(oc);
  }
};

/** `{status: n}` in OC's names, summing the Baton statuses that share one. */
export const ocStatusCounts = (
  byStatus: Partial<Record<ListedStatus, number>>,
): Partial<Record<OcProcessStatus, number>> => {
  const counts: Partial<Record<OcProcessStatus, number>> = {};
  for (const [status, n] of Object.entries(byStatus) as Array<[ListedStatus, number]>) {
    const oc = ocStatusOf(status);
    counts[oc] = (counts[oc] ?? 0) + n;
  }
  return counts;
};
