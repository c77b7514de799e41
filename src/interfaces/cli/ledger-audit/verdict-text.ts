/** The verdict of `audit verify` for a terminal: the answer first, then what supports it. */
import { AuditVerdict } from '../../../application/ledger/bundle-verify';

const MAX_FINDINGS = 20;

export const renderVerdict = (verdict: AuditVerdict, states: boolean): string => {
  const d = verdict.digest;
  const lines: string[] = [];
  if (verdict.proven) {
    lines.push(
      `PROVEN: ${verdict.provenEvents} events up to position ${d.lastPosition} are the history the ledger signed (tree size ${d.treeSize}, root ${d.rootHash}, signed ${d.at} by key ${verdict.keyId}), and it extends the digest you kept.`,
    );
  } else {
    const [first, ...rest] = verdict.findings;
    lines.push(`TAMPERED: ${first.what}`);
    for (const finding of rest.slice(0, MAX_FINDINGS - 1)) lines.push(`  also: ${finding.what}`);
    if (rest.length >= MAX_FINDINGS) lines.push(`  … and ${rest.length - MAX_FINDINGS + 1} more`);
  }
  if (verdict.unprovenEvents > 0) {
    lines.push(
      `${verdict.unprovenEvents} events after position ${d.lastPosition} are not covered by this digest: they are only as trustworthy as the server until the next one.`,
    );
  }
  const failed = verdict.processes.filter((p) => p.error !== undefined);
  if (verdict.processes.length > 0) {
    lines.push(
      `replayed ${verdict.processes.length} processes from their events${failed.length > 0 ? `; ${failed.length} do not replay` : ''}`,
    );
  }
  for (const process of failed) lines.push(`  ${process.processId}: ${process.error}`);
  if (states) {
    for (const process of verdict.processes) {
      lines.push(`process ${process.processId} (${process.workflow}): ${process.status}`);
      for (const r of process.revisions ?? []) {
        lines.push(`  r${r.revision} ${r.at} ${r.type} -> ${r.status} ${JSON.stringify(r.state)}`);
      }
    }
  }
  return lines.join('\n');
};
