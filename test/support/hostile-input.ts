/**
 * fast-check arbitraries for what an attacker (or a buggy client) sends: path parameters, query
 * strings, headers and bodies, from plausible to malicious. Kept apart from the fuzz spec so the
 * shapes can be read, and reused, on their own.
 */
import fc from 'fast-check';
import { L2VPN_INPUT } from './api';

const ALWAYS_HOSTILE = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1' --",
  '"; DROP TABLE events; --',
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  'NaN',
  '-1',
  '1e309',
  '9007199254740993',
  '0x10',
  'null',
  'true',
  '[]',
  '{}',
  '\u202e\u0301\ud83d\ude00',
  '\ud800',
];

/** Any text: short or long, ASCII, full Unicode, lone surrogates, or a known nasty one. */
export const hostileText = (): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...ALWAYS_HOSTILE), weight: 3 },
    { arbitrary: fc.string(), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 50 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 50 }), weight: 1 },
    { arbitrary: fc.uuid(), weight: 2 },
    {
      arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => 'x'.repeat(n)),
      weight: 1,
    },
  );

/** Printable ASCII only: what an HTTP header value can carry at all. */
export const headerText = (): fc.Arbitrary<string> =>
  hostileText().map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 4000));

/** Lone surrogates become U+FFFD (String.prototype.toWellFormed, before lib es2024). */
const wellFormed = (s: string): string =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** Path segments sent as they are, not encoded: broken or sneaky percent-encodings. */
export const RAW_SEGMENTS = ['%', '%ZZ', '%ED%A0%80', '%C0%AF', '%2e%2e', '%2F', '%00', '..%2F..'];

/** A path parameter as it goes into the URL: a real id sometimes, otherwise anything. */
export const pathParam = (known: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    ...(known.length > 0 ? [{ arbitrary: fc.constantFrom(...known), weight: 3 }] : []),
    { arbitrary: fc.constantFrom('create_l2vpn', 'noc_confirm'), weight: 1 },
    { arbitrary: fc.constantFrom(...RAW_SEGMENTS), weight: 1 },
    // Lone surrogates cannot be percent-encoded; they go out as U+FFFD, as a client would send.
    {
      arbitrary: hostileText().map((s) => encodeURIComponent(wellFormed(s)) || '%20'),
      weight: 4,
    },
  );

const QUERY_KEYS = [
  'status',
  'workflow',
  'limit',
  'cursor',
  'revision',
  'after',
  '__proto__',
  // the ledger's
  'event',
  'digest',
  'from',
  'to',
  'process',
  'until',
];

/** A query string: known keys with hostile values, unknown keys, repeated keys. */
export const queryString = (): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileText(), fc.constant('status[$ne]')),
        fc.oneof(
          fc.constantFrom('completed', 'suspended', '1', '0', '200', '201', '-5', '2.5'),
          hostileText(),
        ),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => {
      if (pairs.length === 0) return '';
      const params = new URLSearchParams();
      for (const [k, v] of pairs) params.append(k, v);
      return `?${params.toString()}`;
    });

const nestedText = (depth: number, open: string, close: string) =>
  open.repeat(depth) + close.repeat(depth);

/** A request body as sent on the wire (text), from valid to malicious. */
export const body = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 4 },
    {
      arbitrary: fc
        .dictionary(hostileText(), fc.jsonValue(), { maxKeys: 6 })
        .map((v) => JSON.stringify(v)),
      weight: 3,
    },
    {
      arbitrary: fc
        .record({ ...Object.fromEntries(Object.keys(L2VPN_INPUT).map((k) => [k, fc.jsonValue()])) })
        .map((v) => JSON.stringify(v)),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom(JSON.stringify(L2VPN_INPUT), '{}', '{"reason":"fuzz"}'),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom(
        '{"a":',
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '"\\u0000"',
        '{"run_status":"\\u0000"}',
        nestedText(50_000, '[', ']'),
        nestedText(40, '{"a":', '}'),
        JSON.stringify({ list: new Array(5000).fill(0) }),
        JSON.stringify({ s: 'y'.repeat(200_000) }),
        'x'.repeat(1024 * 1024 + 1),
      ),
      weight: 2,
    },
    { arbitrary: hostileText(), weight: 2 },
  );

/**
 * Another spelling of a path: a case change, a percent-encoded letter or slash, doubled or
 * trailing slashes, dot segments, matrix parameters, full-width letters. Routing is
 * case-sensitive, so most are 404; all of them must be answered, within the deadline.
 */
export type Spelling = { kind: SpellingKind; at: number };
type SpellingKind =
  | 'as-is'
  | 'upper-segment'
  | 'capitalised-segment'
  | 'upper-path'
  | 'encoded-letter'
  | 'encoded-letter-lower-hex'
  | 'encoded-slash'
  | 'double-slash'
  | 'trailing-slash'
  | 'dot-segment'
  | 'encoded-dot-segment'
  | 'matrix-parameter'
  | 'full-width-letter';

export const pathSpelling = (): fc.Arbitrary<Spelling> =>
  fc.record({
    kind: fc.oneof(
      { arbitrary: fc.constant<SpellingKind>('as-is'), weight: 6 },
      {
        arbitrary: fc.constantFrom<SpellingKind>(
          'upper-segment',
          'capitalised-segment',
          'upper-path',
          'encoded-letter',
          'encoded-letter-lower-hex',
          'encoded-slash',
          'double-slash',
          'trailing-slash',
          'dot-segment',
          'encoded-dot-segment',
          'matrix-parameter',
          'full-width-letter',
        ),
        weight: 6,
      },
    ),
    at: fc.nat(),
  });

const hex = (c: string, lower: boolean) => {
  const code = `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return lower ? code.toLowerCase() : code.toUpperCase();
};

/** Applies a spelling to the segment (or slash, or letter) `at` picks, modulo what there is. */
export const spell = (path: string, { kind, at }: Spelling): string => {
  const segments = path.split('/'); // ['', 'api', 'processes', …]
  const i = 1 + (at % (segments.length - 1));
  const segment = segments[i];
  const letters = [...segment].map((c, j) => [c, j] as const).filter(([c]) => /[a-z]/i.test(c));
  const letter = letters.length > 0 ? letters[at % letters.length][1] : -1;
  const withSegment = (s: string) =>
    [...segments.slice(0, i), s, ...segments.slice(i + 1)].join('/');
  const replaceLetter = (f: (c: string) => string) =>
    letter < 0
      ? path
      : withSegment(segment.slice(0, letter) + f(segment[letter]) + segment.slice(letter + 1));
  switch (kind) {
    case 'as-is':
      return path;
    case 'upper-segment':
      return withSegment(segment.toUpperCase());
    case 'capitalised-segment':
      return withSegment(segment.charAt(0).toUpperCase() + segment.slice(1));
    case 'upper-path':
      return path.toUpperCase();
    case 'encoded-letter':
      return replaceLetter((c) => hex(c, false));
    case 'encoded-letter-lower-hex':
      return replaceLetter((c) => hex(c, true));
    case 'encoded-slash':
      return i < segments.length - 1
        ? [
            ...segments.slice(0, i),
            `${segment}%2F${segments[i + 1]}`,
            ...segments.slice(i + 2),
          ].join('/')
        : path;
    case 'double-slash':
      return withSegment(`/${segment}`);
    case 'trailing-slash':
      return `${path}/`;
    case 'dot-segment':
      return withSegment(`./${segment}`);
    case 'encoded-dot-segment':
      return withSegment(`%2e/${segment}`);
    case 'matrix-parameter':
      return withSegment(`${segment};v=1`);
    case 'full-width-letter':
      return replaceLetter((c) =>
        encodeURIComponent(String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
      );
    default: {
      const unknown: never = kind;
      throw new Error(`unknown spelling ${String(unknown)}`);
    }
  }
};
