/**
 * Canonical JSON for hashing: object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings as JSON.stringify writes them (the rules of RFC 8785, JCS). JSON.stringify alone will
 * not do: it keeps insertion order, and JavaScript always lists integer-like keys first, so two
 * equal objects could serialise differently. What JSON cannot hold is dropped as JSON.stringify
 * drops it (undefined members; undefined in arrays becomes null), so a value hashes the same
 * before it is stored and after it is read back.
 */
export const canonicalJson = (value: unknown): string => write(value) ?? 'null';

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON(): unknown }).toJSON());
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('a BigInt has no JSON form');
    case 'object':
      return Array.isArray(value) ? writeArray(value) : writeObject(value as object);
    default:
      return undefined; // undefined, functions, symbols
  }
}

function writeArray(items: unknown[]): string {
  return `[${items.map((item) => write(item) ?? 'null').join(',')}]`;
}

function writeObject(object: object): string {
  const members: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const member = write((object as Record<string, unknown>)[key]);
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
}
