/**
 * `baton audit export` and `baton audit verify` (issue #17): a self-contained bundle of the
 * history with its proofs, and its verification offline against a digest the auditor kept.
 * The logic lives in ../ledger-audit/ (no commander there); this file only maps options and
 * outcomes: exit 0 proven, 3 tampered, 2 usage error.
 */
import { Command } from 'commander';
import { DEFAULT_URL } from '../api-client';
import { cliContext } from '../cli-context';
import { ConnectionFlags, withConnection, withJson } from '../connection-options';
import { CliFailure, ExitCode, usageError } from '../exit-codes';
import { EXIT, UsageError, runExport, runVerify } from '../ledger-audit/ledger-audit-command';
import { auditGroup } from './audit';

interface ExportFlags extends ConnectionFlags {
  process?: string;
  until?: string;
  out?: string;
  fromDatabase?: boolean;
}

interface VerifyFlags extends ConnectionFlags {
  digest: string;
  publicKey?: string;
  states?: boolean;
  process?: string;
}

/** Runs one of the commands and turns its outcome into the CLI's exit statuses. */
const outcome = async (work: () => Promise<number>): Promise<void> => {
  let code: number;
  try {
    code = await work();
  } catch (error) {
    if (error instanceof UsageError) throw usageError(error.message);
    throw error;
  }
  if (code === EXIT.tampered)
    throw new CliFailure(ExitCode.BrokenChain, 'the history does not match the signed digest');
  if (code === EXIT.usage) throw usageError('nothing to export');
};

export const registerLedgerAuditCommands = (program: Command): void => {
  const audit = auditGroup(program);
  withConnection(
    audit
      .command('export')
      .description(
        'Write a self-contained audit bundle (events NDJSON + proofs + signed digest) for `audit verify`',
      )
      .option('--process <id>', 'only this process, with an inclusion proof per event')
      .option(
        '--until <digest>',
        'prove against this digest (tree size or digest file; default latest)',
      )
      .option('--out <file>', 'write the bundle to this file (default: standard output)')
      .option(
        '--from-database',
        'read the database directly (DATABASE_URL, else the embedded one under DATA_DIR) instead of the service',
      ),
  ).action(async (flags: ExportFlags, command: Command) => {
    const context = cliContext(command);
    await outcome(() =>
      runExport(
        {
          process: flags.process,
          until: flags.until,
          out: flags.out,
          fromDatabase: flags.fromDatabase === true,
          url: flags.url ?? (context.env.BATON_URL || DEFAULT_URL),
          apiKey: flags.key ?? (context.env.BATON_API_KEY || undefined),
        },
        context.env,
        context,
      ),
    );
  });
  withJson(
    withConnection(
      audit
        .command('verify')
        .description(
          'Verify an audit bundle offline against a digest you kept: signature, inclusion of every event, consistency, replay (exit 0 proven, 3 tampered)',
        )
        .argument('[bundle]', 'the bundle file (or --url to fetch it from the service)')
        .requiredOption('--digest <file>', 'the digest you kept earlier (GET /api/ledger/digest)')
        .option(
          '--public-key <file>',
          "the ledger's public key you pinned (PEM); default: the kept digest's",
        )
        .option('--process <id>', 'with --url: fetch the bundle of this process only')
        .option('--states', "print every process's state at every revision"),
    ),
  ).action(async (bundle: string | undefined, flags: VerifyFlags, command: Command) => {
    const context = cliContext(command);
    await outcome(() =>
      runVerify(
        {
          digest: flags.digest,
          publicKey: flags.publicKey,
          json: flags.json === true,
          states: flags.states === true,
          bundle,
          url: flags.url,
          apiKey: flags.key ?? (context.env.BATON_API_KEY || undefined),
          process: flags.process,
        },
        context,
      ),
    );
  });
};
