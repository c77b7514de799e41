/**
 * `baton webhooks …`: webhook subscriptions of a running service (admin role), a thin client of
 * /api/webhooks. `create` prints the secret Baton made, the only time it is ever shown.
 */
import { Command } from 'commander';
import { cliContext } from '../cli-context';
import { apiClient, ConnectionFlags, withConnection, withJson } from '../connection-options';
import { usageError } from '../exit-codes';

interface WebhookJson {
  id: string;
  url: string;
  status: 'active' | 'paused';
  position: number;
  headPosition: number;
  lagMs: number;
  delivered: number;
  failures: number;
  pausedReason: string | null;
  failing: { position: number; eventType: string; reason: string } | null;
  eventTypes: string[];
  workflows: string[];
  secret?: string;
  recentAttempts?: Array<{
    at: string;
    position: number;
    eventType: string;
    attempt: number;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }>;
}

const path = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

const summary = (w: WebhookJson): string =>
  [
    `${w.id}  ${w.status.toUpperCase()}  ${w.url}`,
    `  position ${w.position} of ${w.headPosition}, lag ${(w.lagMs / 1000).toFixed(1)} s, delivered ${w.delivered}, failed attempts ${w.failures}`,
    `  events: ${w.eventTypes.length ? w.eventTypes.join(', ') : 'all'}; workflows: ${w.workflows.length ? w.workflows.join(', ') : 'all'}`,
    ...(w.pausedReason ? [`  paused: ${w.pausedReason}`] : []),
    ...(w.failing
      ? [`  failing event: ${w.failing.eventType} at position ${w.failing.position}`]
      : []),
  ].join('\n');

const attempts = (w: WebhookJson): string =>
  (w.recentAttempts ?? [])
    .map(
      (a) =>
        `  ${a.at}  #${a.position} ${a.eventType} try ${a.attempt}: ${a.statusCode ?? '—'} ${a.error ?? 'ok'} (${a.durationMs} ms)`,
    )
    .join('\n');

export const registerWebhookCommands = (program: Command): void => {
  const webhooks = program
    .command('webhooks')
    .description('Webhook subscriptions: receivers Baton POSTs events to (admin role)');

  withJson(
    withConnection(
      webhooks
        .command('create')
        .description('Subscribe a receiver URL; prints the signing secret once if Baton made it')
        .argument('<url>', 'receiver URL (http or https)')
        .option('--event <types>', 'event types to deliver, comma-separated (default all)', list)
        .option('--workflow <names>', 'only processes of these workflows (default all)', list)
        .option('--secret-env <name>', 'read the signing secret from this environment variable')
        .option('--from-beginning', 'deliver the whole history, not only new events')
        .option('--description <text>', 'what the receiver is'),
    ),
  ).action(
    async (url: string, flags: ConnectionFlags & Record<string, unknown>, command: Command) => {
      const context = cliContext(command);
      const secretEnv = flags.secretEnv as string | undefined;
      const secret = secretEnv ? context.env[secretEnv] : undefined;
      if (secretEnv && !secret)
        throw usageError(`--secret-env ${secretEnv}: the variable is not set`);
      const created = await apiClient(command).call<WebhookJson>('POST', '/api/webhooks', {
        body: {
          url,
          eventTypes: flags.event,
          workflows: flags.workflow,
          secret,
          description: flags.description,
          from: flags.fromBeginning ? 'beginning' : 'now',
        },
      });
      if (flags.json) return context.out(JSON.stringify(created, null, 2));
      context.out(summary(created));
      if (created.secret)
        context.out(`  signing secret (shown once, keep it with the receiver): ${created.secret}`);
    },
  );

  withJson(
    withConnection(webhooks.command('list').description('Subscriptions and where they stand')),
  ).action(async (flags: ConnectionFlags, command: Command) => {
    const all = await apiClient(command).get<WebhookJson[]>('/api/webhooks');
    const context = cliContext(command);
    if (flags.json) return context.out(JSON.stringify(all, null, 2));
    context.out(all.length ? all.map(summary).join('\n') : 'no webhook subscriptions');
  });

  withJson(
    withConnection(
      webhooks
        .command('show')
        .description('One subscription with its latest delivery attempts')
        .argument('<id>', 'subscription id'),
    ),
  ).action(async (id: string, flags: ConnectionFlags, command: Command) => {
    const detail = await apiClient(command).get<WebhookJson>(path(id));
    const context = cliContext(command);
    if (flags.json) return context.out(JSON.stringify(detail, null, 2));
    context.out(`${summary(detail)}\nrecent attempts:\n${attempts(detail) || '  none'}`);
  });

  const simple = (name: string, description: string, method: string, suffix: string) =>
    withConnection(
      webhooks.command(name).description(description).argument('<id>', 'subscription id'),
    ).action(async (id: string, _flags: ConnectionFlags, command: Command) => {
      await apiClient(command).call(method, `${path(id)}${suffix}`);
      cliContext(command).out(`${name}: ${id}`);
    });
  simple('pause', 'Stop delivering (the checkpoint stays)', 'PUT', '/pause');
  simple('resume', 'Deliver again from the checkpoint, the failing event first', 'PUT', '/resume');
  simple('delete', 'Delete the subscription', 'DELETE', '');

  withConnection(
    webhooks
      .command('replay')
      .description('Deliver again every event at or after a global position, and resume')
      .argument('<id>', 'subscription id')
      .requiredOption('--from <position>', 'global position (0: the whole history)'),
  ).action(async (id: string, flags: ConnectionFlags & { from: string }, command: Command) => {
    const fromPosition = Number(flags.from);
    if (!Number.isSafeInteger(fromPosition) || fromPosition < 0)
      throw usageError('--from must be a non-negative integer position');
    await apiClient(command).call('POST', `${path(id)}/replay`, { body: { fromPosition } });
    cliContext(command).out(`replaying ${id} from position ${fromPosition}`);
  });
};
