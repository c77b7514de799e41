/**
 * The audit report as text for a terminal: the verdict first (what an auditor asks before
 * anything else), then one block per event. Long values are cut, since the full data is one
 * `--json` away.
 */
import { AuditEntry, AuditReport } from '../../application/history/audit-report';
import { ChainVerdict } from '../../application/history/chain-verdict';

const MAX_VALUE = 120;

const short = (value: unknown): string => {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'null');
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
};

export const describeVerdict = (chain: ChainVerdict): string => {
  const coverage =
    chain.unhashedPrefix === 0
      ? `all ${chain.events} events hashed`
      : `${chain.verified} of ${chain.events} events hashed; the first ${chain.unhashedPrefix} predate hashing${
          chain.sealedAt === null
            ? ' and are covered by the ledger only'
            : `, sealed by revision ${chain.sealedAt}`
        }`;
  if (chain.intact) {
    return `INTACT: ${coverage}; head hash ${chain.headHash ?? '(none)'}`;
  }
  const problems = (chain.problems ?? [])
    .map((p) => `revision ${p.revision}: ${p.problem.replace('_', ' ')}`)
    .join('; ');
  return `BROKEN at revision ${chain.firstBadRevision}: ${problems} (${coverage})`;
};

const entryLines = (entry: AuditEntry): string[] => {
  const lines = [
    `${`#${entry.revision}`.padEnd(4)} ${entry.at}  ${entry.actor.padEnd(12)} ${entry.summary}`,
  ];
  const detail = (text: string) => lines.push(`      ${text}`);
  if (entry.status) detail(`status ${entry.status.from} -> ${entry.status.to}`);
  for (const [key, value] of Object.entries(entry.delta?.set ?? {}))
    detail(`+ ${key} = ${short(value)}`);
  for (const key of entry.delta?.removed ?? []) detail(`- ${key}`);
  const callback = entry.callback;
  if (callback) {
    const parts = [`token id ${callback.tokenId}`];
    if (callback.step) parts.push(`step "${callback.step}"`);
    if (callback.expiresAt) parts.push(`expires ${callback.expiresAt}`);
    if (callback.reason) parts.push(`reason ${callback.reason}`);
    if (callback.detail) parts.push(`detail ${short(callback.detail)}`);
    if (callback.payloadHash) parts.push(`payload sha256 ${callback.payloadHash.slice(0, 16)}…`);
    detail(`callback: ${parts.join(', ')}`);
    if (callback.progress !== undefined) detail(`progress: ${short(callback.progress)}`);
  }
  return lines;
};

export const renderAuditText = (report: AuditReport): string =>
  [
    `Process ${report.processId}`,
    `Workflow ${report.workflow} v${report.workflowVersion}, status ${report.status}, ${report.events} events`,
    `Chain: ${describeVerdict(report.chain)}`,
    '',
    ...report.timeline.flatMap(entryLines),
    '',
  ].join('\n');
