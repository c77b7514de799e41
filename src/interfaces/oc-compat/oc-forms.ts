/**
 * The pydantic-forms protocol that orchestrator-core's UI and scripts speak. A client posts the
 * full list of page answers it has so far; while a page is missing the server answers 510 with
 * that page as JSON Schema, bad answers 400 with pydantic-style `validation_errors`. Baton's
 * forms are one page of JSON Schema already, so this is translation only.
 */
import { HttpStatus } from '@nestjs/common';
import { FieldError } from '../../domain/errors';
import { JsonObject } from '../../domain/process/events';

/** pydantic-forms' status for "the form is not complete yet": the body carries the next page. */
export const FORM_NOT_COMPLETE = 510;

export interface OcPageAnswer {
  status: number;
  body: JsonObject;
}

/** A page as OC shows it: the schema, with what is pre-filled as each field's `default`. */
export const ocFormSchema = (form: {
  title: string;
  schema: JsonObject;
  values: JsonObject;
}): JsonObject => {
  const properties = (form.schema.properties ?? {}) as Record<string, JsonObject>;
  const withDefaults = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [
      name,
      name in form.values ? { ...property, default: form.values[name] } : property,
    ]),
  );
  return { ...form.schema, title: form.title, properties: withDefaults };
};

export const formNotComplete = (form: JsonObject): OcPageAnswer => ({
  status: FORM_NOT_COMPLETE,
  body: {
    type: 'FormNotCompleteError',
    title: 'Form not complete',
    detail: String(form.title ?? 'Form'),
    status: FORM_NOT_COMPLETE,
    form,
    meta: { hasNext: false },
  },
});

export interface OcValidationError {
  loc: string[];
  msg: string;
  type: string;
}

/** Baton's per-field problems as pydantic reports them: one entry per broken rule. */
export const ocValidationErrors = (errors: readonly FieldError[]): OcValidationError[] =>
  errors.flatMap((e) =>
    Object.entries(e.constraints).map(([rule, msg]) => ({
      loc: e.property === '' ? ['__root__'] : e.property.split('.'),
      msg,
      type: `value_error.${rule}`,
    })),
  );

export const formInvalid = (detail: string, errors: OcValidationError[]): OcPageAnswer => ({
  status: HttpStatus.BAD_REQUEST,
  body: {
    type: 'FormValidationError',
    title: 'Form not valid',
    detail,
    status: HttpStatus.BAD_REQUEST,
    validation_errors: errors as unknown as JsonObject[],
  },
});

/**
 * The pages a client sent: the body must be a list of objects. Returns the refusal to send
 * instead when it is not, or when it has more pages than the form (Baton's forms have one).
 */
export const readPages = (
  body: unknown,
  pageCount: number,
): { pages: JsonObject[] } | { refusal: OcPageAnswer } => {
  const invalid = (msg: string, type: string) => ({
    refusal: formInvalid(msg, [{ loc: ['__root__'], msg, type }]),
  });
  // An empty body is an empty list: the client asks for the first page.
  if (body === undefined || body === null) return { pages: [] };
  if (!Array.isArray(body))
    return invalid('The body must be the list of page answers', 'type_error.list');
  if (!body.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p)))
    return invalid('Every page answer must be an object', 'type_error.dict');
  if (body.length > pageCount)
    return invalid(
      `The form has ${pageCount} page(s); ${body.length} were sent`,
      'value_error.form_overflow',
    );
  return { pages: body as JsonObject[] };
};

/** OC's error body for everything that is not a form problem (`{detail}` like FastAPI's). */
export const ocProblem = (status: number, detail: string): OcPageAnswer => ({
  status,
  body: { title: problemTitle(status), detail, status },
});

const problemTitle = (status: number): string =>
  (HttpStatus[status] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
