/**
 * The embedded server runs in a process group of its own (embedded-postgres-process.ts), so it
 * outlives a Baton killed with SIGKILL or crashed, holding its data directory (and, when it
 * listens on TCP, its port). A small watchdog process makes such an orphan exit: it holds a
 * pipe from Baton, and the kernel closes that pipe when Baton dies however it dies. On end of
 * input the watchdog asks the server for a fast shutdown (SIGINT), if the data directory's
 * postmaster.pid still names it. It leaves by itself once the server is gone (a normal stop).
 *
 * The script is inline JavaScript so it runs the same from the compiled package and under
 * ts-node, without a file of its own to locate.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const WATCHDOG = `
const fs = require('fs');
const [pid, pidFile] = process.argv.slice(-2);
const owns = () => {
  try { return Number(fs.readFileSync(pidFile, 'utf8').split('\\n')[0]) === Number(pid); }
  catch { return false; }
};
const stopServer = () => {
  if (owns()) { try { process.kill(Number(pid), 'SIGINT'); } catch {} }
  process.exit(0);
};
process.stdin.on('data', () => undefined);
process.stdin.on('end', stopServer);
process.stdin.on('error', stopServer);
setInterval(() => { try { process.kill(Number(pid), 0); } catch { process.exit(0); } }, 1000);
`;

/** Starts the watchdog of the server `pid` serving `dataDir`; it needs nothing more from us. */
export const watchForOrphan = (pid: number, dataDir: string): void => {
  const watchdog = spawn(
    process.execPath,
    ['-e', WATCHDOG, '--', String(pid), path.join(dataDir, 'postmaster.pid')],
    // Its own group, like the server: a terminal's ctrl-C must not end it before Baton has
    // stopped the server in order.
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  watchdog.on('error', () => undefined); // no watchdog: the next start still clears an orphan
  watchdog.stdin?.on('error', () => undefined);
  // Neither the process nor the pipe may keep Baton's event loop alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
};
