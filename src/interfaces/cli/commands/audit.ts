/**
 * `baton audit …`: what an auditor asks of a process's history. `audit show` prints the
 * timeline and the hash-chain verdict from GET /api/processes/{id}/audit. Other files add
 * their own subcommands to the same group through `auditGroup(program)`, in any order.
 */
import { Command } from 'commander';
import { AuditReport } from '../../../application/history/audit-report';
import { renderAuditText } from '../audit-text';
import { cliContext } from '../cli-context';
import { apiClient, ConnectionFlags, withConnection, withJson } from '../connection-options';
import { CliFailure, ExitCode } from '../exit-codes';

/** The `audit` command group, created on first use. */
export const auditGroup = (program: Command): Command =>
  program.commands.find((c) => c.name() === 'audit') ??
  program
    .command('audit')
    .description('Audit a process: its timeline and whether its history is intact');

export const registerAuditCommands = (program: Command): void => {
  withJson(
    withConnection(
      auditGroup(program)
        .command('show')
        .description(
          'Print the audit timeline of a process and its hash-chain verdict (exit code 3 when broken)',
        )
        .argument('<processId>', 'the process id'),
    ),
  ).action(async (processId: string, flags: ConnectionFlags, command: Command) => {
    const context = cliContext(command);
    const report = await apiClient(command).get<AuditReport>(
      `/api/processes/${encodeURIComponent(processId)}/audit`,
    );
    context.out(flags.json ? JSON.stringify(report, null, 2) : renderAuditText(report));
    if (!report.chain.intact) {
      throw new CliFailure(
        ExitCode.BrokenChain,
        `the history of process ${processId} is BROKEN at revision ${report.chain.firstBadRevision}`,
      );
    }
  });
};
