/**
 * Read-only fields of a form (JSON Schema `readOnly`, such as a runner's status and results)
 * show what happened; they are not the operator's to change. What was shown is what is recorded:
 * a submission may echo a shown value (forms often send every field back) but not alter it.
 */
import { isDeepStrictEqual } from 'node:util';
import { FieldError } from '../../domain/errors';
import { FormSnapshot, JsonObject } from '../../domain/process/events';

export const readOnlyFields = (schema: JsonObject): string[] => {
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.entries(properties as Record<string, unknown>)
    .filter(([, p]) => typeof p === 'object' && p !== null && (p as JsonObject).readOnly === true)
    .map(([name]) => name);
};

/** Problems with a submission that changes a read-only field of the form it answers. */
export const readOnlyViolations = (form: FormSnapshot, submitted: JsonObject): FieldError[] =>
  readOnlyFields(form.schema)
    .filter(
      (name) =>
        Object.prototype.hasOwnProperty.call(submitted, name) &&
        !isDeepStrictEqual(submitted[name], form.values[name]),
    )
    .map((property) => ({
      property,
      constraints: { readOnly: `${property} is read-only: it records what was shown` },
    }));
