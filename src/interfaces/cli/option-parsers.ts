/** Parsers for option values; commander reports their errors as usage errors (exit 2). */
import { InvalidArgumentError } from 'commander';

export const nonNegativeInteger = (value: string): number => {
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
};

export const positiveInteger = (value: string): number => {
  const parsed = nonNegativeInteger(value);
  if (parsed === 0) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
};
