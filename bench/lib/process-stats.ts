import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and memory of process trees, read from /proc (Linux only). A server is measured with all
 * its descendants, so a PostgreSQL postmaster counts its backends and a Node server any worker.
 */
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

interface ProcInfo {
  ppid: number;
  cpuTicks: number;
  /** CPU of its children that have exited and been waited for. */
  exitedChildrenTicks: number;
}

function readStat(pid: number): ProcInfo | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; fields resume after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      exitedChildrenTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** The roots and every live descendant. */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const info = readStat(pid);
    if (!info) continue;
    const list = children.get(info.ppid) ?? [];
    list.push(pid);
    children.set(info.ppid, list);
  }
  const found: number[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/**
 * User + system CPU seconds of a process's main thread alone (on Linux its thread id is the
 * process id). The rest of a Node process's CPU is V8's helper threads (concurrent marking and
 * sweeping, parallel scavenges, optimising compiles) and libuv's pool: a JavaScript CPU
 * profile sees the main thread only.
 */
export function mainThreadCpuSeconds(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0; // exited meanwhile
  }
}

/** User + system CPU seconds used so far by the trees (exited descendants are not counted). */
export function cpuSeconds(roots: readonly number[]): number {
  let ticks = 0;
  for (const pid of processTree(roots)) ticks += readStat(pid)?.cpuTicks ?? 0;
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/**
 * The same, with the CPU of descendants that have exited (PostgreSQL backends of closed
 * connections, a child process run to its end): what a run cost, not just who is still alive.
 */
export function cpuSecondsWithExited(roots: readonly number[]): number {
  let ticks = 0;
  for (const pid of processTree(roots)) {
    const stat = readStat(pid);
    ticks += (stat?.cpuTicks ?? 0) + (stat?.exitedChildrenTicks ?? 0);
  }
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of this process's children that have exited (e.g. after execFileSync). */
export const exitedChildrenCpuSeconds = (): number =>
  (readStat(process.pid)?.exitedChildrenTicks ?? 0) / CLOCK_TICKS_PER_SECOND;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory in MiB, summed over the trees: current, and each process's own peak. */
export function memoryMiB(roots: readonly number[]): { rss: number; peakRss: number } {
  let rss = 0;
  let peak = 0;
  for (const pid of processTree(roots)) {
    rss += statusKb(pid, 'VmRSS');
    peak += statusKb(pid, 'VmHWM');
  }
  return { rss: rss / 1024, peakRss: peak / 1024 };
}
