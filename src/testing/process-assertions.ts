/**
 * Assertions on one process that fail with a message a reader can act on: what was expected,
 * what the process is doing instead (status, step, failure) and its history, event by event.
 */
import { ProcessDetail } from '../application/queries/process-detail';
import { JsonObject } from '../domain/process/events';
import { ProcessStatus } from '../domain/process/state';
import { ProcessAssertionError } from './outcomes';
import type { KitEvent } from './process-under-test';

/** An expected event: its type, or its type and a part of its data. */
export type EventExpectation = string | { type: string; data?: JsonObject };

export interface FormExpectation {
  title?: string | RegExp;
  /** The step asking. */
  step?: string;
  /** Field names the form must have (its JSON Schema properties). */
  fields?: string[];
  /** Pre-filled values the form must show (a part of them). */
  values?: JsonObject;
  /** Roles that may confirm (null: any operator). */
  roles?: string[] | null;
}

/** Whether `actual` has everything `expected` has (objects compared key by key, deeply). */
export const contains = (actual: unknown, expected: unknown): boolean => {
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual);
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((e, i) => contains(actual[i], e))
    );
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([k, v]) =>
      contains((actual as Record<string, unknown>)[k], v),
    );
  }
  return Object.is(actual, expected);
};

const show = (value: unknown): string => {
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v));
  return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

const eventLine = (e: KitEvent): string => {
  const d = e.data;
  const detail =
    e.type === 'StepFailed'
      ? `"${String(d.name)}": ${(d.error as { message?: string })?.message ?? ''}${d.retryAt ? ` (retry at ${String(d.retryAt)})` : ''}`
      : typeof d.name === 'string'
        ? `"${d.name}"`
        : e.type === 'CallbackRejected'
          ? `${String(d.reason)}: ${String(d.detail)}`
          : '';
  return `  ${String(e.revision).padStart(3)} ${e.at} ${e.type}${detail ? ` ${detail}` : ''}`;
};

export abstract class ProcessAssertions {
  abstract readonly id: string;
  abstract detail(): Promise<ProcessDetail>;
  abstract events(): Promise<KitEvent[]>;

  /** "failed at step X: message" and the history, for failure messages. */
  async describe(): Promise<string> {
    const [detail, events] = await Promise.all([this.detail(), this.events()]);
    const where = detail.currentStep ? ` at step "${detail.currentStep}"` : '';
    const why = detail.failure ? `: ${detail.failure.message}` : '';
    const parked = detail.parked ? ` (parked: ${detail.parked.reason})` : '';
    return [
      `Process ${this.id} (${detail.workflow}) is ${detail.status}${where}${why}${parked}.`,
      'History:',
      ...events.map(eventLine),
    ].join('\n');
  }

  async expectStatus(status: ProcessStatus): Promise<void> {
    const detail = await this.detail();
    if (detail.status !== status) await this.fail(`Expected status ${status}.`);
  }

  /** The process's event types, exactly and in order. */
  async expectEvents(types: string[]): Promise<void> {
    const actual = (await this.events()).map((e) => e.type);
    if (actual.length !== types.length || actual.some((t, i) => t !== types[i]))
      await this.fail(`Expected events [${types.join(', ')}]\n     got [${actual.join(', ')}].`);
  }

  /**
   * These events happened in this order (others may come between them); data is matched as
   * a part. Returns the matched events.
   */
  async expectEventsInOrder(...expected: EventExpectation[]): Promise<KitEvent[]> {
    const events = await this.events();
    const found: KitEvent[] = [];
    let from = 0;
    for (const want of expected) {
      const { type, data } = typeof want === 'string' ? { type: want, data: undefined } : want;
      const at = events.findIndex(
        (e, i) => i >= from && e.type === type && (data === undefined || contains(e.data, data)),
      );
      if (at < 0) {
        const after = found.length ? ` after ${found[found.length - 1].type}` : '';
        await this.fail(`Expected a ${type}${data ? ` with ${show(data)}` : ''}${after}.`);
      }
      found.push(events[at]);
      from = at + 1;
    }
    return found;
  }

  /** The state holds these values (a part of it; nested objects compared as parts too). */
  async expectState(expected: JsonObject): Promise<void> {
    const { state } = await this.detail();
    const wrong = Object.entries(expected).filter(([k, v]) => !contains(state[k], v));
    if (wrong.length > 0)
      await this.fail(
        `Expected state ${wrong.map(([k, v]) => `${k} = ${show(v)} (is ${show(state[k])})`).join(', ')}.`,
      );
  }

  /** The process waits for this form; returns the form for closer looks. */
  async expectForm(expected: FormExpectation = {}): Promise<NonNullable<ProcessDetail['form']>> {
    const { form } = await this.detail();
    if (!form) return this.fail('Expected a pending form.');
    const problems: string[] = [];
    if (expected.title !== undefined && !contains(form.title, expected.title))
      problems.push(`title ${show(expected.title)} (is ${show(form.title)})`);
    if (expected.step !== undefined && form.step !== expected.step)
      problems.push(`step "${expected.step}" (is "${form.step}")`);
    const fields = Object.keys((form.schema.properties as JsonObject | undefined) ?? {});
    const missing = (expected.fields ?? []).filter((f) => !fields.includes(f));
    if (missing.length > 0)
      problems.push(`fields ${missing.join(', ')} (has ${fields.join(', ')})`);
    if (expected.values !== undefined && !contains(form.values, expected.values))
      problems.push(`values ${show(expected.values)} (are ${show(form.values)})`);
    if (expected.roles !== undefined && !contains(form.roles, expected.roles))
      problems.push(`roles ${show(expected.roles)} (are ${show(form.roles)})`);
    if (problems.length > 0)
      await this.fail(`Expected the form "${form.title}" to have ${problems.join('; ')}.`);
    return form;
  }

  /** The step with this name is in this status (completed, skipped, failed, pending, …). */
  async expectStep(name: string, status: string): Promise<void> {
    const { steps } = await this.detail();
    const found = steps.find((s) => s.name === name);
    if (!found)
      return this.fail(
        `No step "${name}"; the steps are: ${steps.map((s) => `"${s.name}"`).join(', ')}.`,
      );
    if (found.status !== status)
      await this.fail(`Expected step "${name}" to be ${status}, it is ${found.status}.`);
  }

  private async fail(message: string): Promise<never> {
    throw new ProcessAssertionError(`${message}\n${await this.describe()}`);
  }
}
