/**
 * `baton events tail`: the global event feed (GET /api/events) from a position, one line per
 * event or NDJSON with --json. Without --follow it prints what is there and says where to
 * resume; with --follow it stays on the live SSE stream and survives dropped connections.
 */
import { Command, Option } from 'commander';
import { PROCESS_EVENT_TYPES } from '../../../domain/process/events';
import { cliContext } from '../cli-context';
import { apiClient, ConnectionFlags, withConnection } from '../connection-options';
import { FeedEventJson, followUntilStopped, readToHead, TailOptions } from '../event-tail';
import { nonNegativeInteger, positiveInteger } from '../option-parsers';

interface TailFlags extends ConnectionFlags {
  after: number;
  follow?: boolean;
  process?: string;
  type?: string[];
  count?: number;
  reconnects: number;
}

export const describeFeedEvent = (e: FeedEventJson): string =>
  `${e.position}  ${e.metadata.at}  ${e.processId}  #${e.revision}  ${e.type}  by ${e.metadata.actor}`;

export const registerEventCommands = (program: Command): void => {
  const events = program.command('events').description('The global event feed');
  withConnection(
    events
      .command('tail')
      .description(
        'Print events after a position in global order; --follow keeps printing new ones',
      )
      .option('--after <position>', 'start after this global position', nonNegativeInteger, 0)
      .option('-f, --follow', 'stay connected and print events as they commit (Ctrl-C stops)')
      .option('--process <id>', 'only the events of this process')
      .addOption(
        new Option('--type <type...>', 'only these event types').choices([...PROCESS_EVENT_TYPES]),
      )
      .option('--count <n>', 'stop after n events', positiveInteger)
      .option(
        '--reconnects <n>',
        'with --follow: failed reconnects in a row before giving up (exit code 4)',
        nonNegativeInteger,
        10,
      )
      .option('--json', 'one JSON object per line (NDJSON), as the feed sends them'),
  ).action(async (flags: TailFlags, command: Command) => {
    const context = cliContext(command);
    const client = apiClient(command);
    const options: TailOptions = {
      after: flags.after,
      processId: flags.process,
      types: flags.type,
      count: flags.count,
      maxReconnects: flags.reconnects,
      signal: context.signal,
      onEvent: (event) =>
        context.out(flags.json ? JSON.stringify(event) : describeFeedEvent(event)),
      onNotice: (text) => context.err(text),
    };
    if (flags.follow) {
      await followUntilStopped(client, options);
      return;
    }
    const next = await readToHead(client, options);
    context.err(`resume with --after ${next}`);
  });
};
