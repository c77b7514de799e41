import { performance } from 'node:perf_hooks';
import { BatonEventStore, processStreamId } from './baton-store';
import { cloneHistory, TemplateEvent } from './clone-history';

export interface SeededProcess {
  processId: string;
  token: string;
}

/**
 * Appends `count` cloned processes through Baton's store, `concurrency` appends in flight (one
 * stream each, as Baton itself appends), and reports progress every tenth.
 */
export async function seedProcesses(
  store: BatonEventStore,
  template: TemplateEvent[],
  templateProcessId: string,
  count: number,
  concurrency: number,
  log: (message: string) => void,
): Promise<{ seeded: SeededProcess[]; perSecond: number }> {
  const seeded: SeededProcess[] = [];
  const began = performance.now();
  let next = 0;
  let reported = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const clone = cloneHistory(template, templateProcessId);
      await store.append(processStreamId(clone.processId), clone.events, 'no_stream');
      seeded.push({ processId: clone.processId, token: clone.token });
      if (seeded.length - reported >= Math.max(1, count / 10)) {
        reported = seeded.length;
        log(`seeded ${seeded.length}/${count}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { seeded, perSecond: count / ((performance.now() - began) / 1000) };
}
