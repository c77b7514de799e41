/**
 * The EventStoreDB adapter's translations, one by one: positions and revisions, errors, the
 * metadata encoding, and the filtered read request it sends. No server involved.
 */
import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ConcurrencyError, StoreUnavailableError } from '../../src/application/ports/store-errors';
import { isOutage, toStoreError } from '../../src/infrastructure/eventstoredb/esdb-errors';
import {
  decodeMetadata,
  encodeEvent,
} from '../../src/infrastructure/eventstoredb/esdb-event-codec';
import {
  readPositionAfter,
  toExpectedRevision,
  toGlobalPosition,
  toRevision,
} from '../../src/infrastructure/eventstoredb/esdb-positions';
import { filteredReadAllRequest } from '../../src/infrastructure/eventstoredb/filtered-read-all';
import { newEvent } from '../support/event-store-fixtures';

const at = (n: bigint) => ({ commit: n, prepare: n });

describe('EventStoreDB positions', () => {
  it('is the log position itself, as a number', () => {
    expect(toGlobalPosition(at(1n), 'e')).toBe(1);
    expect(toGlobalPosition(at(123_456_789n), 'e')).toBe(123_456_789);
    expect(toGlobalPosition(at(BigInt(Number.MAX_SAFE_INTEGER)), 'e')).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('refuses, by name, a position a number cannot hold exactly (beyond 2^53 bytes of log)', () => {
    expect(() => toGlobalPosition(at(2n ** 53n), 'e-9')).toThrow(
      /e-9 .*2\^53 - 1.*cannot hold it exactly/,
    );
  });

  it('refuses events of an explicit transaction, which share one commit position', () => {
    expect(() => toGlobalPosition({ commit: 900n, prepare: 700n }, 'e-1')).toThrow(
      /explicit transaction/,
    );
  });

  it('asks for a recent server when a stream read reports no position', () => {
    expect(() => toGlobalPosition(undefined, 'e-1')).toThrow(/22\.10 or newer/);
  });

  it('reads after 0 from the start, after n from log position n', () => {
    expect(readPositionAfter(0)).toBe(START);
    expect(readPositionAfter(4096)).toEqual(at(4096n));
    // The same number round-trips: what a subscriber stored is where it resumes.
    expect(toGlobalPosition(readPositionAfter(4096) as ReturnType<typeof at>, 'e')).toBe(4096);
  });
});

describe('EventStoreDB revisions', () => {
  it('maps expected revisions', () => {
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision(0)).toBe(0n);
    expect(toExpectedRevision(41)).toBe(41n);
  });

  it('maps stream revisions back, refusing what a number cannot hold', () => {
    expect(toRevision(0n)).toBe(0);
    expect(toRevision(7n)).toBe(7);
    expect(() => toRevision(2n ** 60n)).toThrow(RangeError);
  });
});

describe('EventStoreDB errors', () => {
  const conflict = { streamId: 'process-1', expected: 2 as const };

  it('makes a wrong expected version a ConcurrencyError, never an outage', () => {
    const wrong = new WrongExpectedVersionError(undefined, {
      streamName: 'process-1',
      expected: 2n,
      current: 5n,
    });
    const error = toStoreError(wrong, 'appending', conflict);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({ streamId: 'process-1', expected: '2', actual: '5' });
    expect(isOutage(wrong)).toBe(false);
  });

  it.each([
    ['unavailable', new UnavailableError()],
    ['deadline exceeded', new DeadlineExceededError()],
    ['timeout (the server could not commit in time)', new TimeoutError()],
    ['cancelled by the server', new CancelledError()],
    [
      'a raw gRPC UNAVAILABLE',
      Object.assign(new Error('14 UNAVAILABLE: No connection'), { code: 14 }),
    ],
    ['discovery giving up', new Error('Failed to discover after 10 attempts.')],
  ])('makes %s a StoreUnavailableError, never a conflict', (_, cause) => {
    const error = toStoreError(cause, 'appending to process-1', conflict);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(
      /^EventStoreDB unavailable while appending to process-1/,
    );
    expect((error as StoreUnavailableError).cause).toBe(cause);
  });

  it.each([
    ['a deleted stream', new StreamDeletedError(undefined, 'process-1')],
    ['an unknown server error', new UnknownError()],
    ['a bug', new TypeError('x is undefined')],
  ])('leaves %s alone', (_, cause) => {
    expect(toStoreError(cause, 'appending', conflict)).toBe(cause);
  });
});

describe('EventStoreDB event encoding', () => {
  it('writes JSON data under the stable type name, with EventStoreDB correlation fields', () => {
    const event = newEvent('CallbackReceived', { tokenId: 't-1' });
    // A field the port does not name yet (another branch adds a hash chain) travels as is.
    const metadata = { ...event.metadata, causationId: 'cmd-7', hash: 'abc' };
    const encoded = encodeEvent({ ...event, metadata }, '0b7c1c2e-5c1e-4d0e-9a4e-7b1f3c2d1a00');
    expect(encoded).toEqual({
      id: '0b7c1c2e-5c1e-4d0e-9a4e-7b1f3c2d1a00',
      contentType: 'application/json',
      type: 'CallbackReceived',
      data: { tokenId: 't-1' },
      metadata: {
        at: '2026-01-01T00:00:00.000Z',
        actor: 'test',
        correlationId: 'corr-1',
        causationId: 'cmd-7',
        schemaVersion: 1,
        hash: 'abc',
        $correlationId: 'corr-1',
        $causationId: 'cmd-7',
      },
    });
  });

  it('omits $causationId when there is no cause, and decodes back to exactly what was given', () => {
    const event = newEvent();
    const encoded = encodeEvent(event, 'id');
    expect(encoded.metadata).not.toHaveProperty('$causationId');
    expect(decodeMetadata(encoded.metadata, 'id')).toEqual(event.metadata);
  });

  it('refuses metadata that is not a JSON object', () => {
    expect(() => decodeMetadata(undefined, 'e-1')).toThrow(/e-1 has no JSON object as metadata/);
    expect(() => decodeMetadata([1], 'e-1')).toThrow(/metadata/);
  });
});

describe('the filtered read of $all', () => {
  it('asks the server to filter on stream-name prefixes', () => {
    const options = filteredReadAllRequest({
      fromPosition: at(4096n),
      direction: FORWARDS,
      maxCount: 501,
      streamPrefixes: ['process-'],
    }).getOptions()!;
    expect(options.getFilter()?.getStreamIdentifier()?.getPrefixList()).toEqual(['process-']);
    expect(options.getFilter()?.hasCount()).toBe(true);
    expect(options.hasNoFilter()).toBe(false);
    expect(options.getCount()).toBe('501');
    expect(options.hasSubscription()).toBe(false); // a read, not a subscription
    expect(options.getAll()?.getPosition()?.getCommitPosition()).toBe('4096');
    expect(options.getAll()?.getPosition()?.getPreparePosition()).toBe('4096');
    expect(options.getReadDirection()).toBe(ReadReq.Options.ReadDirection.FORWARDS);
    expect(options.getResolveLinks()).toBe(false);
  });

  it('reads backwards from the end for the head', () => {
    const options = filteredReadAllRequest({
      fromPosition: END,
      direction: BACKWARDS,
      maxCount: 1,
      streamPrefixes: ['process-'],
    }).getOptions()!;
    expect(options.getAll()?.hasEnd()).toBe(true);
    expect(options.getReadDirection()).toBe(ReadReq.Options.ReadDirection.BACKWARDS);
  });
});
