/**
 * Processes as text for a terminal: the list as a table, the detail as the few lines an
 * operator reads first (status, what it waits for, why it failed), then the steps. The CLI
 * knows the answers only by the HTTP contract, so the shapes here are the JSON it receives.
 */
export interface ProcessRow {
  processId: string;
  workflow: string;
  workflowVersion: number;
  status: string;
  currentStep: string | null;
  assignee: string | null;
  updatedAt: string;
}

export interface ProcessDetailJson {
  id: string;
  workflow: string;
  workflowVersion: number;
  status: string;
  currentStep: string | null;
  assignee: string | null;
  revision: number;
  startedAt: string | null;
  updatedAt: string | null;
  steps: Array<{
    index: number;
    name: string;
    status: string;
    durationMs: number | null;
    error: { message: string } | null;
  }>;
  form: { step: string; title: string; assignee: string; roles: string[] | null } | null;
  callback: {
    tokenId: string;
    step: string;
    status: string;
    expiresAt: string | null;
    actionCompleted: boolean;
    lastProgress: unknown;
  } | null;
  failedReason: string | null;
  failure: { step: string; message: string; retryable: boolean; retryAt: string | null } | null;
  parked: { reason: string; attempts: number; at: string } | null;
}

const MAX_CELL = 40;
const cell = (value: string | null | undefined): string => {
  const text = value ?? '-';
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
};

export const renderTable = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};

export const renderProcessList = (rows: readonly ProcessRow[]): string =>
  rows.length === 0
    ? 'no processes'
    : renderTable(
        ['ID', 'WORKFLOW', 'STATUS', 'STEP', 'ASSIGNEE', 'UPDATED'],
        rows.map((r) => [
          r.processId,
          `${r.workflow} v${r.workflowVersion}`,
          r.status,
          cell(r.currentStep),
          cell(r.assignee),
          r.updatedAt,
        ]),
      );

const short = (value: unknown): string => {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
};

const waitingLines = (d: ProcessDetailJson): string[] => {
  const lines: string[] = [];
  if (d.form) {
    const roles = d.form.roles ? `, roles ${d.form.roles.join(', ')}` : '';
    lines.push(`Waiting for input: "${d.form.title}" (assignee ${d.form.assignee}${roles})`);
  }
  const cb = d.callback;
  if (cb) {
    const expires = cb.expiresAt ? `, expires ${cb.expiresAt}` : '';
    const action = cb.actionCompleted ? 'action returned' : 'action running';
    lines.push(
      `Callback: ${cb.status} for "${cb.step}" (token id ${cb.tokenId}, ${action}${expires})`,
    );
    if (cb.lastProgress !== null && cb.lastProgress !== undefined)
      lines.push(`  last progress ${short(cb.lastProgress)}`);
  }
  if (d.failure) {
    const retry = d.failure.retryAt ? `, automatic retry at ${d.failure.retryAt}` : '';
    const kind = d.failure.retryable ? 'retryable' : 'not retryable';
    lines.push(`Failed at "${d.failure.step}": ${d.failure.message} (${kind}${retry})`);
  } else if (d.failedReason) {
    lines.push(`Failed: ${d.failedReason}`);
  }
  if (d.parked)
    lines.push(
      `Parked since ${d.parked.at} after ${d.parked.attempts} attempts: ${d.parked.reason}`,
    );
  return lines;
};

export const renderProcessDetail = (d: ProcessDetailJson): string =>
  [
    `Process ${d.id}`,
    `Workflow ${d.workflow} v${d.workflowVersion}, status ${d.status}, revision ${d.revision}`,
    `Started ${d.startedAt ?? '-'}, updated ${d.updatedAt ?? '-'}`,
    ...(d.currentStep ? [`At step "${d.currentStep}"`] : []),
    ...waitingLines(d),
    '',
    'Steps:',
    ...d.steps.map((s) => {
      const took = s.durationMs === null ? '' : `  ${s.durationMs} ms`;
      const error = s.error ? `  error: ${s.error.message}` : '';
      return `  ${String(s.index).padStart(2)}  ${s.status.padEnd(17)} ${s.name}${took}${error}`;
    }),
    '',
  ].join('\n');
