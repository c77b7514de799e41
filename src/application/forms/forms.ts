/**
 * Forms are class-validator classes. Clients get them as JSON Schema; submissions are checked
 * against the class itself, so the schema shown and the rules enforced cannot drift apart.
 */
import { plainToInstance } from 'class-transformer';
import { ValidationError as ClassValidationError, validate } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { FieldError, ValidationError } from '../../domain/errors';
import { JsonObject } from '../../domain/process/events';
import { FormClass } from '../../domain/workflow/dsl';

export const formToJsonSchema = (form: FormClass, title?: string): JsonObject => {
  const schema = targetConstructorToSchema(form) as JsonObject;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: title ?? form.name,
    ...schema,
  };
};

const flatten = (errors: ClassValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((e) => {
    const property = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ property, constraints: e.constraints }] : [];
    return [...own, ...flatten(e.children ?? [], property)];
  });

/**
 * Returns the validated values (only the properties the form declares) or throws a
 * ValidationError listing every problem. Unknown properties are an error, not silently kept,
 * except where a remote service's payload may legitimately carry more (`allowUnknown`).
 */
export const validateForm = async (
  form: FormClass,
  input: unknown,
  message = 'Invalid input',
  options: { allowUnknown?: boolean } = {},
): Promise<JsonObject> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(message, [
      { property: '', constraints: { isObject: 'body must be a JSON object' } },
    ]);
  }
  const instance = plainToInstance(form, input);
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: !options.allowUnknown,
  });
  if (errors.length > 0) throw new ValidationError(message, flatten(errors));
  return JSON.parse(JSON.stringify(instance)) as JsonObject;
};
