import { CallbackAuditRow, CallbackAuditStore } from '../../application/ports/callback-audit';
import { InMemoryReadModel } from './in-memory-read-model';

export class InMemoryCallbackAuditStore
  extends InMemoryReadModel<CallbackAuditRow>
  implements CallbackAuditStore
{
  protected keyOf(row: CallbackAuditRow): string {
    return row.tokenId;
  }

  protected fresh(): this {
    return new InMemoryCallbackAuditStore() as this;
  }

  async load(tokenIds: readonly string[]): Promise<Map<string, CallbackAuditRow>> {
    const found = new Map<string, CallbackAuditRow>();
    for (const id of tokenIds) {
      const row = this.rows.get(id);
      if (row) found.set(id, structuredClone(row));
    }
    return found;
  }

  async ofProcesses(processIds: readonly string[]): Promise<Map<string, CallbackAuditRow[]>> {
    const found = new Map<string, CallbackAuditRow[]>(processIds.map((id) => [id, []]));
    const rows = this.all().sort(
      (a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.tokenId.localeCompare(b.tokenId),
    );
    for (const row of rows) found.get(row.processId)?.push(row);
    return found;
  }
}
