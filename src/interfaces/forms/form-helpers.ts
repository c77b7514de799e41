/**
 * Decorators for the classes a workflow's forms are made of (class-validator classes; Baton
 * turns them into the JSON Schema the operator UI renders). They save a team from depending on
 * class-validator-jsonschema for the few schema hints the UI understands.
 */
import { JSONSchema } from 'class-validator-jsonschema';

/** A decorator on a form class's property. */
export type FieldDecorator = (target: object, propertyName: string) => void;

/** Shown to the operator, not editable; a submitted change is refused (400). */
export const ReadOnly = (description?: string): FieldDecorator =>
  JSONSchema({ readOnly: true, ...(description ? { description } : {}) });

/** A read-only block of preformatted text (a runner's output, a rendered configuration). */
export const LongText = (description?: string): FieldDecorator =>
  JSONSchema({ readOnly: true, format: 'long-text', ...(description ? { description } : {}) });

/** A field's title and help text in the form. */
export const Describe = (title: string, description?: string): FieldDecorator =>
  JSONSchema({ title, ...(description ? { description } : {}) });
