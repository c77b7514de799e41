import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

/**
 * Every server the bench starts goes through here, so that one list knows what to stop when a
 * run ends or fails: SIGTERM first, SIGKILL for whatever is still alive after a grace period.
 */
/** Each child, with the time it may take to stop before SIGKILL when it was given one. */
const started = new Map<ChildProcess, number | undefined>();

export interface StartedChild {
  child: ChildProcess;
  pid: number;
  /** The last lines it printed, for error messages when it dies early. */
  recentOutput(): string;
  /** Its exit code once it has exited (null when a signal ended it). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startChild(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { echo?: boolean; stopGraceMs?: number } = {},
): StartedChild {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const graceMs = options.stopGraceMs;
  started.set(child, graceMs);
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim().length === 0) continue;
      lines.push(line);
      if (lines.length > 30) lines.shift();
      if (options.echo) process.stderr.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', () => started.delete(child));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    pid: child.pid,
    recentOutput: () => lines.join('\n'),
    exited,
    stop: () => stopChild(child, graceMs ?? 10_000),
  };
}

export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last resort on an unexpected exit path: nothing the bench started outlives it. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...started].map(([child, graceMs]) => stopChild(child, graceMs ?? 5_000)));
}
