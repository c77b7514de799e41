/** The one clock: injected everywhere so tests move time instead of sleeping. */
export interface Clock {
  now(): Date;
}
export const CLOCK = Symbol('Clock');

export interface IdGenerator {
  uuid(): string;
}
export const ID_GENERATOR = Symbol('IdGenerator');
