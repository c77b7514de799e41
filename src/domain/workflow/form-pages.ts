/**
 * A form of several pages, as orchestrator-core's multi-page input forms: the operator fills
 * one page, and the next page is built from what the process knows by then, the earlier pages'
 * answers included (a page can offer choices that depend on the previous page).
 *
 * Each page is an input step of its own, named `<name> (page i of n)`. So every page is
 * requested, validated, confirmed, recorded (who answered what, when) and restricted exactly
 * like any input step, and a process stopped between pages resumes at the page it was on; the
 * REST API, UI and events need nothing new. A page whose factory returns undefined is skipped.
 */
import { FormSpec, inputStep, InputStep, InputStepOptions, State } from './dsl';

export type FormPage = (state: State) => FormSpec | undefined;

export const pageName = (name: string, page: number, of: number): string =>
  `${name} (page ${page} of ${of})`;

export const inputPages = (
  name: string,
  options: InputStepOptions,
  pages: readonly FormPage[],
): InputStep[] => {
  if (pages.length === 0) throw new Error(`Input pages "${name}": at least one page is needed`);
  return pages.map((page, i) => inputStep(pageName(name, i + 1, pages.length), options, page));
};
