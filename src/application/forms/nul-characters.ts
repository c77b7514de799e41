/**
 * PostgreSQL's jsonb (and text) cannot hold the NUL character, though JSON can carry it as
 * "\u0000". Input that contains one is refused at the edge with a 400, rather than reaching the
 * store and failing there.
 */
export const containsNul = (value: unknown): boolean => {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).some(
      ([key, inner]) => key.includes('\u0000') || containsNul(inner),
    );
  return false;
};

export const NUL_REFUSAL = 'text must not contain the NUL character (\\u0000)';
