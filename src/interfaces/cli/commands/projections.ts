/**
 * `baton projections list|rebuild`: the read models of a running service. A rebuild replays
 * the store into shadow tables and swaps them in while the service keeps serving (POST
 * /api/admin/projections/{name}/rebuild); the CLI starts one at a time and follows its progress.
 */
import { Command } from 'commander';
import { ApiClient } from '../api-client';
import { CliContext, cliContext } from '../cli-context';
import { apiClient, ConnectionFlags, withConnection, withJson } from '../connection-options';
import { CliFailure, ExitCode } from '../exit-codes';
import { renderTable } from '../processes-text';

interface RebuildStatus {
  projection: string;
  state: 'idle' | 'running' | 'completed' | 'failed';
  events: number;
  startedAt: string | null;
  finishedAt: string | null;
  position: number | null;
  error: string | null;
}

interface ProjectionJson {
  name: string;
  version: number;
  position: number;
  rebuild: RebuildStatus;
}

const POLL_MS = 200;
const PRINT_EVERY_MS = 1000;

const path = (name: string) => `/api/admin/projections/${encodeURIComponent(name)}`;

const seconds = (status: RebuildStatus): number =>
  status.startedAt && status.finishedAt
    ? (Date.parse(status.finishedAt) - Date.parse(status.startedAt)) / 1000
    : 0;

export const describeRebuild = (status: RebuildStatus): string => {
  const took = seconds(status);
  const rate = took > 0 ? Math.round(status.events / took) : status.events;
  return `rebuilt ${status.projection}: ${status.events} events in ${took.toFixed(1)} s (${rate} events/s), swapped in at position ${status.position}`;
};

/** Starts one rebuild and polls it to the end, printing progress on stderr every second. */
const rebuildOne = async (
  client: ApiClient,
  context: CliContext,
  name: string,
): Promise<RebuildStatus> => {
  let status = await client.call<RebuildStatus>('POST', `${path(name)}/rebuild`);
  let lastPrint = 0;
  while (status.state === 'running') {
    if (Date.now() - lastPrint >= PRINT_EVERY_MS) {
      lastPrint = Date.now();
      context.err(`rebuilding ${name}: ${status.events} events so far`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    status = (await client.get<ProjectionJson>(path(name))).rebuild;
  }
  if (status.state !== 'completed') {
    throw new CliFailure(
      ExitCode.Refused,
      `rebuild of ${name} ${status.state}: ${status.error ?? 'no reason given'}`,
    );
  }
  return status;
};

export const registerProjectionCommands = (program: Command): void => {
  const projections = program
    .command('projections')
    .description('Read models of a running service (admin role)');

  withJson(
    withConnection(
      projections.command('list').description('Projections with their checkpoint and last rebuild'),
    ),
  ).action(async (flags: ConnectionFlags, command: Command) => {
    const all = await apiClient(command).get<ProjectionJson[]>('/api/admin/projections');
    cliContext(command).out(
      flags.json
        ? JSON.stringify(all, null, 2)
        : renderTable(
            ['NAME', 'VERSION', 'POSITION', 'LAST REBUILD'],
            all.map((p) => [p.name, String(p.version), String(p.position), p.rebuild.state]),
          ),
    );
  });

  withJson(
    withConnection(
      projections
        .command('rebuild')
        .description(
          'Rebuild projections from the event store while the service keeps serving (all when none is named)',
        )
        .argument('[names...]', 'projection names (see projections list)'),
    ),
  ).action(async (names: string[], flags: ConnectionFlags, command: Command) => {
    const context = cliContext(command);
    const client = apiClient(command);
    const chosen =
      names.length > 0
        ? names
        : (await client.get<ProjectionJson[]>('/api/admin/projections')).map((p) => p.name);
    const results: RebuildStatus[] = [];
    for (const name of chosen) {
      const status = await rebuildOne(client, context, name);
      results.push(status);
      if (!flags.json) context.out(describeRebuild(status));
    }
    if (flags.json) context.out(JSON.stringify(results, null, 2));
  });
};
