/**
 * Replays each process of a bundle from its events alone: the state at every revision, as the
 * service's own fold (`evolve`) computes it. What an auditor reads once the events are proven.
 */
import { processIdOfStream } from '../../domain/process/events';
import {
  ProcessState,
  ProcessStatus,
  evolve,
  initialProcessState,
} from '../../domain/process/state';
import { RecordedEvent } from '../ports/event-store';
import { readProcessEvent } from '../../domain/process/upcast';

export interface RevisionState {
  revision: number;
  type: string;
  at: string;
  status: ProcessStatus;
  state: Record<string, unknown>;
}

export interface ProcessReplay {
  processId: string;
  workflow: string;
  events: number;
  status: ProcessStatus;
  /** Every revision's state, when asked for (it can be large). */
  revisions?: RevisionState[];
  /** Set when the fold failed: the history does not replay. */
  error?: string;
}

export const replayProcesses = (
  events: readonly RecordedEvent[],
  keepStates: boolean,
): ProcessReplay[] => {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (processIdOfStream(event.streamId) === null) continue;
    const list = streams.get(event.streamId) ?? [];
    list.push(event);
    streams.set(event.streamId, list);
  }
  return [...streams].map(([streamId, list]) => {
    list.sort((a, b) => a.revision - b.revision);
    let state: ProcessState = initialProcessState();
    const revisions: RevisionState[] = [];
    const replay: ProcessReplay = {
      processId: processIdOfStream(streamId) as string,
      workflow: '',
      events: list.length,
      status: state.status,
    };
    try {
      for (const event of list) {
        const upcast = readProcessEvent(event.type, event.data, event.metadata.schemaVersion);
        state = evolve(state, upcast, event.metadata.at);
        if (keepStates) {
          revisions.push({
            revision: event.revision,
            type: event.type,
            at: event.metadata.at,
            status: state.status,
            state: state.state,
          });
        }
      }
    } catch (error) {
      replay.error = error instanceof Error ? error.message : String(error);
    }
    replay.workflow = state.workflow;
    replay.status = state.status;
    if (keepStates) replay.revisions = revisions;
    return replay;
  });
};
