/**
 * Given/When/Then for the process decider: specs read as the history that happened, the command
 * that arrives and the events (or refusal) that must follow.
 */
import { ProcessCommand } from '../../src/domain/process/commands';
import { Decision, decide } from '../../src/domain/process/decide';
import { ProcessEvent } from '../../src/domain/process/events';
import { ProcessState, evolve, initialProcessState } from '../../src/domain/process/state';

const AT = '2026-01-01T00:00:00.000Z';

export const fold = (events: ProcessEvent[]): ProcessState =>
  events.reduce((s, e) => evolve(s, e, AT), initialProcessState());

type ErrorClass = abstract new (...args: never[]) => Error;

export interface Then {
  then(expected: ProcessEvent[]): ProcessState;
  thenAnswers(answer: Decision['answer'], expected?: ProcessEvent[]): ProcessState;
  thenRefuses(error: ErrorClass, expected?: ProcessEvent[]): void;
  thenThrows(error: ErrorClass): void;
}

export const given = (history: ProcessEvent[]) => ({
  when(command: ProcessCommand): Then {
    const state = fold(history);
    const run = (): Decision => decide(command, state);
    const after = (events: ProcessEvent[]) => events.reduce((s, e) => evolve(s, e, AT), state);
    return {
      then(expected) {
        const decision = run();
        expect(decision.refusal).toBeUndefined();
        expect(decision.events).toEqual(expected);
        return after(decision.events);
      },
      thenAnswers(answer, expected = []) {
        const decision = run();
        expect(decision.refusal).toBeUndefined();
        expect(decision.answer).toBe(answer);
        expect(decision.events).toEqual(expected);
        return after(decision.events);
      },
      thenRefuses(error, expected = []) {
        const decision = run();
        expect(decision.refusal).toBeInstanceOf(error);
        expect(decision.events).toEqual(expected);
      },
      thenThrows(error) {
        expect(run).toThrow(error as unknown as new () => Error);
      },
    };
  },
});
