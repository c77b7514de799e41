/**
 * A read of $all filtered by stream-name prefix on the server. EventStoreDB has served such
 * reads over gRPC since 20.6 (the .NET client's `ReadAllAsync(..., filter)`), but
 * `@eventstore/db-client` 6 only offers the filter on subscriptions: its `readAll` always asks
 * for "no filter". This builds the same request `readAll` builds, with the filter the
 * subscription would send, and runs it through the client's own (protected) stream plumbing,
 * so connection handling, reconnects and error conversion stay the client's.
 *
 * It leans on the client's internals (generated protobufs, ReadStream, two protected members),
 * which is why package.json pins `@eventstore/db-client` to 6.2.x.
 */
import type { ClientReadableStream, Metadata, CallOptions } from '@grpc/grpc-js';
import {
  AllStreamResolvedEvent,
  BACKWARDS,
  BaseOptions,
  EventStoreDBClient,
  START,
  END,
} from '@eventstore/db-client';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils';
import { ReadStream } from '@eventstore/db-client/dist/streams/utils/ReadStream';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { FilteredReadAllOptions } from './esdb-client';

export function filteredReadAllRequest(options: FilteredReadAllOptions): ReadReq {
  const all = new ReadReq.Options.AllOptions();
  if (options.fromPosition === START) all.setStart(new Empty());
  else if (options.fromPosition === END) all.setEnd(new Empty());
  else {
    const position = new ReadReq.Options.Position();
    position.setCommitPosition(options.fromPosition.commit.toString(10));
    position.setPreparePosition(options.fromPosition.prepare.toString(10));
    all.setPosition(position);
  }
  const prefixes = new ReadReq.Options.FilterOptions.Expression();
  prefixes.setPrefixList(options.streamPrefixes);
  const filter = new ReadReq.Options.FilterOptions();
  filter.setStreamIdentifier(prefixes);
  filter.setCount(new Empty()); // search window: as many as asked for
  filter.setCheckpointintervalmultiplier(1);
  const uuids = new ReadReq.Options.UUIDOption();
  uuids.setString(new Empty());
  const read = new ReadReq.Options();
  read.setAll(all);
  read.setResolveLinks(false);
  read.setCount(String(options.maxCount));
  read.setFilter(filter);
  read.setUuidOption(uuids);
  read.setReadDirection(
    options.direction === BACKWARDS
      ? ReadReq.Options.ReadDirection.BACKWARDS
      : ReadReq.Options.ReadDirection.FORWARDS,
  );
  const request = new ReadReq();
  request.setOptions(read);
  return request;
}

/** The two protected members of the client that every read of its own goes through. */
interface ClientPlumbing {
  GRPCStreamCreator(
    grpcClient: typeof StreamsClient,
    debugName: string,
    creator: (client: StreamsClient) => ClientReadableStream<ReadResp>,
  ): () => Promise<ClientReadableStream<ReadResp>>;
  callArguments(options: BaseOptions, callOptions?: CallOptions): [Metadata, CallOptions];
}

export function readAllFiltered(
  client: EventStoreDBClient,
  options: FilteredReadAllOptions,
): AsyncIterable<AllStreamResolvedEvent> {
  const plumbing = client as unknown as ClientPlumbing;
  const request = filteredReadAllRequest(options);
  // No call options: the client's default deadline bounds a page read (readAll has none).
  const createStream = plumbing.GRPCStreamCreator(StreamsClient, 'readAll', (grpc) =>
    grpc.read(request, ...plumbing.callArguments({})),
  );
  return new ReadStream<AllStreamResolvedEvent>(createStream, convertGrpcEvent as never, {});
}
