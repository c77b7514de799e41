/**
 * Forms rendered from the JSON Schema the API sends, by react-jsonschema-form. `readOnly` fields
 * stay read-only (rjsf honours the keyword); `format: long-text` shows as a scrollable monospace
 * block. Errors the server reports (400 `validationErrors`) appear next to their fields too.
 */
import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, WidgetProps } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { useMemo, useState } from 'react';
import type { FieldError } from '../lib/api';
import { ApiError } from '../lib/api';
import { ErrorMessage } from './Feedback';

const validator = customizeValidator({ customFormats: { 'long-text': () => true } });

/** Pretty-prints a JSON string (the callback payload) so long Ansible output reads line by line. */
const readable = (value: unknown): string => {
  if (typeof value !== 'string') return value === undefined ? '' : JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
};

const LongTextWidget = ({ id, value, readonly, disabled, label, onChange }: WidgetProps) =>
  readonly || disabled ? (
    <pre id={id} className="code scroll long-text" tabIndex={0} role="region" aria-label={label}>
      {readable(value)}
    </pre>
  ) : (
    <textarea
      id={id}
      className="code long-text"
      value={typeof value === 'string' ? value : ''}
      onChange={(e) => onChange(e.target.value)}
    />
  );

const widgets = { 'long-text': LongTextWidget };

/** `{property: 'a.b', constraints}` → rjsf's nested `{a: {b: {__errors}}}`. */
const toErrorSchema = (errors: FieldError[]): ErrorSchema => {
  const schema: Record<string, unknown> = {};
  for (const e of errors) {
    const path = e.property ? e.property.split('.') : [];
    let node = schema as Record<string, unknown>;
    for (const part of path) node = (node[part] ??= {}) as Record<string, unknown>;
    const list = ((node.__errors as string[] | undefined) ??= []);
    list.push(...Object.values(e.constraints));
  }
  return schema as ErrorSchema;
};

interface Props {
  schema: Record<string, unknown>;
  values?: Record<string, unknown>;
  submitLabel: string;
  /** Resolves when the API accepted; an ApiError is shown in the form. */
  onSubmit: (values: Record<string, unknown>) => Promise<void>;
  idPrefix: string;
  /** Why the signed-in operator may not submit: the form is shown read-only, with the reason. */
  notAllowed?: string;
}

export const SchemaForm = ({
  schema,
  values,
  submitLabel,
  onSubmit,
  idPrefix,
  notAllowed,
}: Props) => {
  const [formData, setFormData] = useState<Record<string, unknown>>(values ?? {});
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ApiError>();
  // The schema's own title is shown by the page; rjsf would repeat it.
  const shown = useMemo(() => ({ ...schema, title: undefined }) as RJSFSchema, [schema]);
  const extraErrors = refusal ? toErrorSchema(refusal.validationErrors) : undefined;

  return (
    <div className="schema-form">
      <Form
        schema={shown}
        validator={validator}
        widgets={widgets}
        formData={formData}
        idPrefix={idPrefix}
        extraErrors={extraErrors}
        showErrorList={false}
        noHtml5Validate
        disabled={busy || notAllowed !== undefined}
        onChange={(e) => setFormData(e.formData as Record<string, unknown>)}
        onSubmit={async (e) => {
          setBusy(true);
          setRefusal(undefined);
          try {
            await onSubmit(e.formData as Record<string, unknown>);
          } catch (error) {
            setRefusal(error instanceof ApiError ? error : new ApiError(0, String(error)));
          } finally {
            setBusy(false);
          }
        }}
      >
        <ErrorMessage error={refusal} />
        <button
          type="submit"
          className="primary"
          disabled={busy || notAllowed !== undefined}
          aria-describedby={notAllowed ? `${idPrefix}-not-allowed` : undefined}
        >
          {busy ? 'Sending…' : submitLabel}
        </button>
        {notAllowed ? (
          <p id={`${idPrefix}-not-allowed`} className="not-allowed">
            {notAllowed}
          </p>
        ) : null}
      </Form>
    </div>
  );
};
