/**
 * Direct entry of `audit export` / `audit verify` (`npm run ledger-audit -- verify ...`) until
 * the `baton` program wires them into its `audit` group (registerLedgerAuditCommands).
 */
import 'reflect-metadata';
import { runLedgerAudit } from './ledger-audit/ledger-audit-command';

runLedgerAudit(process.argv.slice(2), process.env, {
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
