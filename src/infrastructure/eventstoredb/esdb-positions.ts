/**
 * How EventStoreDB's positions and revisions become the port's plain numbers, and back.
 *
 * Global position: an event appended through gRPC is its own commit, so EventStoreDB reports it
 * at commit = prepare = the byte offset of its record in the transaction log. Baton's position
 * is exactly that offset, as a JS number: unique, increasing in $all order, not consecutive
 * (offsets jump by record sizes), exact up to 2^53 bytes of log (about 9 PB). The same number
 * is what the event feed's `after` and `Last-Event-ID` carry, and what another EventStoreDB tool
 * takes as `{ commit: n, prepare: n }`.
 *
 * Stream revision: EventStoreDB numbers a stream's events from 0 like the port, as a bigint.
 */
import {
  ANY,
  AppendExpectedRevision,
  NO_STREAM,
  Position,
  ReadPosition,
  START,
} from '@eventstore/db-client';
import { ExpectedRevision } from '../../application/ports/event-store';

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** A position EventStoreDB reported, as the port's number; refuses what it cannot map exactly. */
export function toGlobalPosition(position: Position | undefined, eventId: string): number {
  if (position === undefined) {
    throw new Error(
      `EventStoreDB did not report the log position of event ${eventId}; Baton needs EventStoreDB 22.10 or newer`,
    );
  }
  const { commit, prepare } = position;
  if (commit !== prepare) {
    // Only the legacy TCP API's explicit transactions commit several records at one position.
    throw new Error(
      `event ${eventId} was written in an explicit transaction (commit ${commit}, prepare ${prepare}); Baton cannot give it a position of its own`,
    );
  }
  if (commit < 1n) {
    throw new Error(`event ${eventId} is at log position ${commit}; Baton numbers from 1`);
  }
  if (commit > MAX_EXACT) {
    throw new RangeError(
      `event ${eventId} is at log position ${commit}, beyond 2^53 - 1: Baton's numeric positions cannot hold it exactly`,
    );
  }
  return Number(commit);
}

/** Where a read "after this position" starts. EventStoreDB's forward reads include it. */
export function readPositionAfter(after: number): ReadPosition {
  if (after === 0) return START;
  const offset = BigInt(after);
  return { commit: offset, prepare: offset };
}

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  return BigInt(expected);
}

export function toRevision(revision: bigint): number {
  if (revision < 0n || revision > MAX_EXACT) {
    throw new RangeError(`stream revision ${revision} is outside 0..2^53 - 1`);
  }
  return Number(revision);
}
