/**
 * Stored events into process state. Pure: no ports, no I/O, no clock; the write side
 * (process/), the projections, the queries and the audit all fold with these, so there is one
 * reading of a stored event (upcast, then evolve).
 */
import { ProcessEvent } from '../../domain/process/events';
import { ProcessState, evolve, initialProcessState } from '../../domain/process/state';
import { readProcessEvent } from '../../domain/process/upcast';
import { RecordedEvent } from '../ports/event-store';

/** Stored events as the fold reads them: upcast, or EventNotUnderstood (see upcast.ts). */
export const toProcessEvent = (e: RecordedEvent): ProcessEvent =>
  readProcessEvent(e.type, e.data, e.metadata?.schemaVersion);

export const foldOnto = (state: ProcessState, events: readonly RecordedEvent[]): ProcessState =>
  events.reduce((s, e) => evolve(s, toProcessEvent(e), e.metadata.at), state);

export const foldRecorded = (events: readonly RecordedEvent[]): ProcessState =>
  foldOnto(initialProcessState(), events);
