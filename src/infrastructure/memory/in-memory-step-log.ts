import { StepExecution, StepLogStore } from '../../application/ports/step-log';
import { InMemoryReadModel } from './in-memory-read-model';

export class InMemoryStepLogStore extends InMemoryReadModel<StepExecution> implements StepLogStore {
  protected keyOf(row: StepExecution): string {
    return `${row.processId}/${row.seq}`;
  }

  protected fresh(): this {
    return new InMemoryStepLogStore() as this;
  }

  async latest(processIds: readonly string[]): Promise<Map<string, StepExecution>> {
    const wanted = new Set(processIds);
    const found = new Map<string, StepExecution>();
    for (const row of this.all()) {
      const known = found.get(row.processId);
      if (wanted.has(row.processId) && (!known || row.seq > known.seq))
        found.set(row.processId, row);
    }
    return found;
  }

  async ofProcess(processId: string): Promise<StepExecution[]> {
    return this.all()
      .filter((row) => row.processId === processId)
      .sort((a, b) => a.seq - b.seq);
  }
}
