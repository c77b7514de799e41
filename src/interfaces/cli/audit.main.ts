/** Entry point of `npm run audit` (see audit-command.ts). */
import 'reflect-metadata';
import { runAuditCommand } from './audit-command';

runAuditCommand(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`audit failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
