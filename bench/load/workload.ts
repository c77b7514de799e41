import { performance } from 'node:perf_hooks';
import { sleep } from '../lib/http-json';
import { EngineClient } from './engine-clients';
import { FakeLso } from './fake-lso';

/** The seed's initial input (create_l2vpn), identical for every engine. */
export const L2VPN_INPUT = {
  customer: 'ACME',
  vlan: 100,
  site_a: 'ams-r1',
  interface_a: 'xe-0/0/1',
  site_b: 'lon-r2',
  interface_b: 'xe-0/0/2',
};

export interface ProcessTiming {
  id: string;
  startedAt: number;
  suspendedSeenAt: number;
  completedAt: number;
  /** Status requests this process took: each costs the server work, so it explains SQL counts. */
  polls: number;
}

export interface WorkloadOptions {
  count: number;
  clients: number;
  pollMs: number;
  /** Gives up on a process that has not moved on after this long (a stuck engine, not a slow one). */
  stuckAfterMs: number;
  onProgress(done: number): void;
}

/**
 * One client's process: start, poll until suspended (the callback arrived and was validated),
 * confirm, poll until completed. Failed processes throw, so a run with errors is visible.
 */
async function runOneProcess(
  engine: EngineClient,
  options: WorkloadOptions,
): Promise<ProcessTiming> {
  const startedAt = performance.now();
  const id = await engine.start(L2VPN_INPUT);
  let polls = 0;
  const waitFor = async (wanted: string): Promise<number> => {
    const deadline = performance.now() + options.stuckAfterMs;
    for (;;) {
      const status = await engine.status(id);
      polls += 1;
      if (status === wanted) return performance.now();
      if (status === 'failed' || status === 'aborted') {
        const reason = await engine.failureOf?.(id).catch(() => undefined);
        throw new Error(`process ${id} ${status}${reason ? `: ${reason.slice(0, 300)}` : ''}`);
      }
      if (performance.now() > deadline) throw new Error(`process ${id} stuck at ${status}`);
      await sleep(options.pollMs);
    }
  };
  const suspendedSeenAt = await waitFor('suspended');
  await engine.confirm(id);
  const completedAt = await waitFor('completed');
  return { id, startedAt, suspendedSeenAt, completedAt, polls };
}

export interface WorkloadResult {
  wallMs: number;
  processes: ProcessTiming[];
  errors: string[];
}

/** `clients` loops share a counter until `count` processes have run. */
export async function runWorkload(
  engine: EngineClient,
  options: WorkloadOptions,
): Promise<WorkloadResult> {
  const processes: ProcessTiming[] = [];
  const errors: string[] = [];
  let next = 0;
  const began = performance.now();
  const client = async (): Promise<void> => {
    while (next < options.count) {
      next += 1;
      try {
        processes.push(await runOneProcess(engine, options));
      } catch (error) {
        errors.push((error as Error).message);
      }
      options.onProgress(processes.length + errors.length);
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return { wallMs: performance.now() - began, processes, errors };
}

/** Per-process latencies joined with the fake remote's callback timings. */
export function callbackLatencies(result: WorkloadResult, lso: FakeLso) {
  const endToEndMs: number[] = [];
  const callbackPostMs: number[] = [];
  const callbackToSuspendedMs: number[] = [];
  for (const p of result.processes) {
    endToEndMs.push(p.completedAt - p.startedAt);
    const callback = lso.callbacks.get(p.id);
    if (!callback) continue;
    callbackPostMs.push(callback.answeredAt - callback.postedAt);
    callbackToSuspendedMs.push(p.suspendedSeenAt - callback.answeredAt);
  }
  return { endToEndMs, callbackPostMs, callbackToSuspendedMs };
}
