/**
 * Shape limits for JSON that callers send: nesting depth, string length, and the number of
 * items in an array or keys in an object. Checked with an explicit stack (never recursion), so
 * a body nested a hundred thousand levels deep is refused rather than overflowing the stack of
 * whatever walks it next.
 */
export interface JsonLimits {
  depth: number;
  stringLength: number;
  /** Items per array and keys per object. */
  arrayLength: number;
}

/** What an operator's form, start input or abort reason may hold. */
export const OPERATOR_JSON_LIMITS: JsonLimits = {
  depth: 16,
  stringLength: 10_000,
  arrayLength: 1_000,
};

/** What a runner's callback or progress report may hold (long outputs, many lines). */
export const CALLBACK_JSON_LIMITS: JsonLimits = {
  depth: 32,
  stringLength: 1024 * 1024,
  arrayLength: 100_000,
};

/** The first limit the value breaks, as a message for the caller, or null. */
export const jsonLimitProblem = (value: unknown, limits: JsonLimits): string | null => {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.length > limits.stringLength)
        return `strings may hold at most ${limits.stringLength} characters`;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limits.depth) return `JSON may nest at most ${limits.depth} levels deep`;
    const items = Array.isArray(current) ? current : Object.keys(current);
    if (items.length > limits.arrayLength)
      return `arrays and objects may hold at most ${limits.arrayLength} items`;
    if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, depth: depth + 1 });
    } else {
      for (const [key, item] of Object.entries(current)) {
        if (key.length > limits.stringLength)
          return `strings may hold at most ${limits.stringLength} characters`;
        stack.push({ value: item, depth: depth + 1 });
      }
    }
  }
  return null;
};
