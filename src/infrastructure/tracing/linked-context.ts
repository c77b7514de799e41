/**
 * An OpenTelemetry Context as a chain of one-entry links. The API's own context copies its
 * whole Map and makes three closures for every value set, and the adapter sets one (the span)
 * for every span it starts; a link is one small object. Chains stay short: request, command,
 * step, append.
 */
import { Context } from '@opentelemetry/api';

const DELETED = Symbol('deleted');

export class LinkedContext implements Context {
  private constructor(
    private readonly parent: LinkedContext | undefined,
    private readonly key: symbol | undefined,
    private readonly value: unknown,
  ) {}

  /** The empty context: what runs outside every traced piece of work. */
  static readonly root = new LinkedContext(undefined, undefined, undefined);

  getValue(key: symbol): unknown {
    if (this.key === key) return this.value === DELETED ? undefined : this.value;
    return this.parent?.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, DELETED);
  }
}
