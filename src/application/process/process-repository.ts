/**
 * Loads a process by folding its stream and executes commands against it: decide, then append
 * with the revision the decision was based on. On a conflict it re-folds and re-decides; the
 * command carries the step's result, so nothing is executed twice.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ProcessCommand } from '../../domain/process/commands';
import { CallbackAnswer, decide } from '../../domain/process/decide';
import { EVENT_SCHEMA_VERSION, ProcessEvent, processStreamId } from '../../domain/process/events';
import { ProcessState, evolve, initialProcessState } from '../../domain/process/state';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore, NewEvent, RecordedEvent } from '../ports/event-store';
import { ConcurrencyError } from '../ports/store-errors';

export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId: string | null;
}

export interface LoadedProcess {
  state: ProcessState;
  events: RecordedEvent[];
}

export interface ExecutionResult {
  state: ProcessState;
  appended: number;
  answer?: CallbackAnswer;
}

/** Enough for a burst of 100 concurrent callbacks on one token: each round one append wins. */
const MAX_ATTEMPTS = 200;

export const toProcessEvent = (e: RecordedEvent): ProcessEvent =>
  ({ type: e.type, data: e.data }) as ProcessEvent;

export const foldRecorded = (events: RecordedEvent[]): ProcessState =>
  events.reduce((s, e) => evolve(s, toProcessEvent(e), e.metadata.at), initialProcessState());

@Injectable()
export class ProcessRepository {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load(processId: string): Promise<LoadedProcess> {
    const events = await this.store.readStream(processStreamId(processId));
    return { state: foldRecorded(events), events };
  }

  /**
   * `known`: the state the caller built the command from (to match a token, run a step); the
   * first decision uses it instead of reading the stream again. If the stream has moved on since,
   * the append conflicts and the loop re-reads, so a stale `known` costs a retry, never a wrong
   * event.
   */
  async execute(
    processId: string,
    command: ProcessCommand,
    context: CommandContext,
    known?: ProcessState,
  ): Promise<ExecutionResult> {
    for (let attempt = 1; ; attempt++) {
      const state = attempt === 1 && known ? known : (await this.load(processId)).state;
      const decision = decide(command, state);
      let next = state;
      if (decision.events.length > 0) {
        const at = this.clock.now().toISOString();
        const metadata = { at, ...context, schemaVersion: EVENT_SCHEMA_VERSION };
        const toAppend: NewEvent[] = decision.events.map((e) => ({
          type: e.type,
          data: e.data,
          metadata,
        }));
        try {
          await this.store.append(
            processStreamId(processId),
            toAppend,
            state.revision < 0 ? 'no_stream' : state.revision,
          );
        } catch (error) {
          if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
            await jitter(attempt);
            continue;
          }
          throw error;
        }
        next = decision.events.reduce((s, e) => evolve(s, e, at), state);
      }
      if (decision.refusal) throw decision.refusal;
      return { state: next, appended: decision.events.length, answer: decision.answer };
    }
  }
}

/** Spreads retries of contending writers so they do not collide again in lock-step. */
const jitter = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 * attempt, 20)));
