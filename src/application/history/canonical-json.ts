/**
 * Canonical JSON for hashing: object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings as JSON.stringify writes them (the rules of RFC 8785, JCS). JSON.stringify alone will
 * not do: it keeps insertion order, and JavaScript always lists integer-like keys first, so two
 * equal objects could serialise differently. What JSON cannot hold is dropped as JSON.stringify
 * drops it (undefined members; undefined in arrays becomes null), so a value hashes the same
 * before it is stored and after it is read back.
 *
 * It runs for every appended event, so it is written for speed: one growing string, and strings
 * that need no escaping (nearly all) quoted without calling JSON.stringify.
 */
export const canonicalJson = (value: unknown): string => write(value) ?? 'null';

/** The canonical JSON of an object without one of its keys (an event's metadata without its hash). */
export const canonicalJsonWithout = (object: Record<string, unknown>, omitted: string): string =>
  writeObject(object, omitted);

/** Characters JSON.stringify escapes: quote, backslash, control characters, lone surrogates. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

const quote = (text: string): string =>
  NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return write((value as { toJSON(): unknown }).toJSON());
      }
      return Array.isArray(value)
        ? writeArray(value)
        : writeObject(value as Record<string, unknown>);
    case 'bigint':
      throw new TypeError('a BigInt has no JSON form');
    default:
      return undefined; // undefined, functions, symbols
  }
}

function writeArray(items: unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += write(items[i]) ?? 'null';
  }
  return `${out}]`;
}

/** Above this many keys an object's keys go to the built-in sort (see sortedKeys). */
const INSERTION_SORT_MAX_KEYS = 16;

/**
 * The keys in code-unit order. `Array.prototype.sort` allocates a work array on every call, and
 * with a few keys per object it was 5% of everything the service allocated (a sampled heap
 * profile under the bench); small objects are sorted in place instead. Insertion sort compares
 * with `<`, which orders strings by UTF-16 code units exactly as the default sort does. It is
 * quadratic, so a larger object (a callback payload may hold tens of thousands of keys) still
 * gets the built-in sort.
 */
const sortedKeys = (object: Record<string, unknown>): string[] => {
  const keys = Object.keys(object);
  if (keys.length > INSERTION_SORT_MAX_KEYS) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
};

function writeObject(object: Record<string, unknown>, omitted?: string): string {
  const keys = sortedKeys(object);
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (key === omitted) continue;
    const member = write(object[key]);
    if (member === undefined) continue;
    out += first ? `${quote(key)}:${member}` : `,${quote(key)}:${member}`;
    first = false;
  }
  return `${out}}`;
}
