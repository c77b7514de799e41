/**
 * `baton processes list|show|start`: the process list and detail the operator UI shows, and
 * starting a new process. (`start` of its own is the service; starting a process lives here,
 * like `temporal workflow start`.)
 */
import { Command, Option } from 'commander';
import { PROCESS_STATUSES } from '../../../domain/process/state';
import { cliContext } from '../cli-context';
import { apiClient, ConnectionFlags, withConnection, withJson } from '../connection-options';
import { INPUT_HELP, readInputOption } from '../input-option';
import { positiveInteger } from '../option-parsers';
import {
  ProcessDetailJson,
  ProcessRow,
  renderProcessDetail,
  renderProcessList,
} from '../processes-text';

const SORTS = ['-startedAt', 'startedAt', '-updatedAt', 'updatedAt'];
const MAX_PAGE = 200;

interface ListFlags extends ConnectionFlags {
  status?: string;
  workflow?: string;
  assignee?: string;
  query?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
}

interface StartFlags extends ConnectionFlags {
  input?: string;
  idempotencyKey?: string;
}

export const idempotencyOption = (): Option =>
  new Option(
    '--idempotency-key <key>',
    'repeat-safe: the service answers a repeat with the same key as it did the first time',
  );

const registerList = (processes: Command): void => {
  withJson(
    withConnection(
      processes
        .command('list')
        .description('List processes, newest first (the read model: may lag a moment)')
        .addOption(
          new Option('--status <status>', 'only this status').choices([
            ...PROCESS_STATUSES,
            'parked',
          ]),
        )
        .option('--workflow <name>', 'only this workflow')
        .option('--assignee <role>', 'only processes waiting for this assignee')
        .option('-q, --query <words>', 'words that begin words of the workflow or description')
        .addOption(new Option('--sort <order>', 'order of the list').choices(SORTS))
        .option('--limit <n>', `page size, at most ${MAX_PAGE} (default 50)`, positiveInteger)
        .option('--cursor <cursor>', 'the next page: the cursor the previous page printed'),
    ),
  ).action(async (flags: ListFlags, command: Command) => {
    const context = cliContext(command);
    const page = await apiClient(command).get<{ items: ProcessRow[]; nextCursor: string | null }>(
      '/api/processes',
      {
        status: flags.status,
        workflow: flags.workflow,
        assignee: flags.assignee,
        q: flags.query,
        sort: flags.sort,
        limit: flags.limit,
        cursor: flags.cursor,
      },
    );
    if (flags.json) {
      context.out(JSON.stringify(page, null, 2));
      return;
    }
    context.out(renderProcessList(page.items));
    if (page.nextCursor) context.err(`more: --cursor ${page.nextCursor}`);
  });
};

const registerShow = (processes: Command): void => {
  withJson(
    withConnection(
      processes
        .command('show')
        .description('Show one process: status, what it waits for, why it failed, its steps')
        .argument('<id>', 'the process id'),
    ),
  ).action(async (id: string, flags: ConnectionFlags, command: Command) => {
    const detail = await apiClient(command).get<ProcessDetailJson>(
      `/api/processes/${encodeURIComponent(id)}`,
    );
    cliContext(command).out(
      flags.json ? JSON.stringify(detail, null, 2) : renderProcessDetail(detail),
    );
  });
};

const registerStart = (processes: Command): void => {
  withJson(
    withConnection(
      processes
        .command('start')
        .description('Start a process of a workflow; prints its id')
        .argument('<workflow>', 'the workflow name (see GET /api/workflows)')
        .option('--input <json>', `the initial form, ${INPUT_HELP} (default {})`)
        .addOption(idempotencyOption()),
    ),
  ).action(async (workflow: string, flags: StartFlags, command: Command) => {
    const input = await readInputOption(flags.input, {});
    const started = await apiClient(command).call<{ id: string }>(
      'POST',
      `/api/processes/${encodeURIComponent(workflow)}`,
      {
        body: input,
        headers: flags.idempotencyKey ? { 'idempotency-key': flags.idempotencyKey } : {},
      },
    );
    // The bare id, so that `id=$(baton processes start …)` works without --json.
    cliContext(command).out(flags.json ? JSON.stringify(started) : started.id);
  });
};

export const registerProcessCommands = (program: Command): void => {
  const processes = program.command('processes').description('List, show and start processes');
  registerList(processes);
  registerShow(processes);
  registerStart(processes);
};
