/**
 * The span per command (issue 19): a command about an existing process is a span in that
 * process's trace. Finding the trace must not cost the store a read when the process's fold is
 * in memory, however old: the fold's newest traceparent is in that trace whether or not the
 * fold is current, and the handler decides on that same fold without reading (the callback's
 * `loadAtLeast`). Reading there added a statement to most traced callbacks and confirmations.
 */
import { CommandBus, ICommand } from '@nestjs/cqrs';
import { NewEvent } from '../../src/application/ports/event-store';
import { SpanOptions, Tracing, noTracing } from '../../src/application/ports/tracing';
import { CommandTracing } from '../../src/application/observability/command-tracing';
import { ProcessRepository } from '../../src/application/process/process-repository';
import { processStreamId } from '../../src/domain/process/events';
import { InMemoryEventStore } from '../../src/infrastructure/memory/in-memory-event-store';
import { started } from './process-fixtures';

const id = 'p1';
const PROCESS_TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const REQUEST_TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

class ReceiveCallbackCommand implements ICommand {
  constructor(readonly processId: string) {}
}

/** Records the spans asked for and the links added, and runs the work. */
const recordingTracing = () => {
  const spans: Array<{ name: string; options?: SpanOptions }> = [];
  const links: string[][] = [];
  const tracing: Tracing = {
    ...noTracing,
    enabled: true,
    span: (name, _attributes, work, options) => {
      spans.push({ name, options });
      return work({ setAttributes: () => undefined });
    },
    current: () => REQUEST_TRACE,
    linkCurrent: (traceparents) => void links.push(traceparents),
  };
  return { tracing, spans, links };
};

/** A store holding the process's start, written in the trace PROCESS_TRACE. */
const storeWithTracedProcess = async () => {
  const store = new InMemoryEventStore();
  const event = started();
  const written: NewEvent = {
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      at: 'T',
      actor: 'alice',
      correlationId: 'c',
      causationId: null,
      schemaVersion: 1,
      traceparent: PROCESS_TRACE,
    },
  };
  await store.append(processStreamId(id), [written], 'no_stream');
  return store;
};

describe('CommandTracing', () => {
  it('finds the process trace in a cached fold older than a read trusts, without a read', async () => {
    let now = Date.parse('2026-01-01T00:00:00.000Z');
    const clock = { now: () => new Date(now) };
    const store = await storeWithTracedProcess();
    const repository = new ProcessRepository(store, clock);
    await repository.load(id); // the fold is cached, checked now
    now += 60_000; // a callback a minute later: `read` would ask the store again

    const reads: string[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId, options) => {
      reads.push(streamId);
      return readStream(streamId, options);
    };
    const executed: ICommand[] = [];
    const commands = {
      execute: (command: ICommand) => Promise.resolve(void executed.push(command)),
    } as unknown as CommandBus;
    const { tracing, spans, links } = recordingTracing();
    new CommandTracing(commands, repository, tracing).onModuleInit();

    await commands.execute(new ReceiveCallbackCommand(id));

    expect(executed).toHaveLength(1);
    expect(spans).toEqual([
      {
        name: 'command ReceiveCallback',
        options: { parent: PROCESS_TRACE, links: [REQUEST_TRACE] },
      },
    ]);
    expect(links).toEqual([[PROCESS_TRACE]]);
    expect(reads).toEqual([]);
  });

  it('reads the stream for a process it has no fold of', async () => {
    const store = await storeWithTracedProcess();
    const repository = new ProcessRepository(store, { now: () => new Date() });
    const commands = { execute: () => Promise.resolve() } as unknown as CommandBus;
    const { tracing, spans } = recordingTracing();
    new CommandTracing(commands, repository, tracing).onModuleInit();

    await commands.execute(new ReceiveCallbackCommand(id));

    expect(spans.map((s) => s.options?.parent)).toEqual([PROCESS_TRACE]);
  });
});
