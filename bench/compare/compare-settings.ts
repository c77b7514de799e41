/**
 * What `npm run bench:compare` compares, read from the environment like every bench setting:
 * side A is BENCH_COMPARE_BASE (a commit, built apart) or this checkout, side B is always this
 * checkout; BENCH_COMPARE_A_ENV / BENCH_COMPARE_B_ENV add settings to one side only (e.g.
 * `BENCH_TRACING=on` on B to price tracing on one build). Everything else (BENCH_N,
 * BENCH_ENGINES, …) reaches every run alike.
 */

export interface CompareSettings {
  /** The commit-ish side A runs; undefined: A runs this checkout too. */
  base?: string;
  aEnv: Record<string, string>;
  bEnv: Record<string, string>;
  /** Pairs of runs, A and B once each per round. */
  rounds: number;
}

/** Even, so that each side runs first as often as the other (the order is A B, then B A). */
export const DEFAULT_ROUNDS = 4;

/** `NAME=value NAME2=value2` → an object; anything else is refused with the setting's name. */
export function parseEnvPairs(setting: string, text: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const token of (text ?? '').split(/\s+/).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(token);
    if (!match) throw new Error(`${setting}: "${token}" is not NAME=value`);
    pairs[match[1]] = match[2];
  }
  return pairs;
}

export function compareSettings(env: NodeJS.ProcessEnv): CompareSettings {
  const base = env.BENCH_COMPARE_BASE?.trim() || undefined;
  const aEnv = parseEnvPairs('BENCH_COMPARE_A_ENV', env.BENCH_COMPARE_A_ENV);
  const bEnv = parseEnvPairs('BENCH_COMPARE_B_ENV', env.BENCH_COMPARE_B_ENV);
  if (base === undefined && Object.keys(aEnv).length + Object.keys(bEnv).length === 0)
    throw new Error(
      'nothing to compare: set BENCH_COMPARE_BASE=<commit> (before, against this checkout) ' +
        'and/or BENCH_COMPARE_B_ENV="NAME=value" (this checkout with and without a setting)',
    );
  const rounds = Number(env.BENCH_COMPARE_ROUNDS ?? DEFAULT_ROUNDS);
  if (!Number.isInteger(rounds) || rounds <= 0)
    throw new Error('BENCH_COMPARE_ROUNDS must be a positive integer');
  return { base, aEnv, bEnv, rounds };
}

export type Side = 'A' | 'B';

/**
 * The order of the runs: A B, then B A, and so on. A machine that slows down or speeds up
 * during the comparison then weighs on both sides alike, instead of always on the later one.
 */
export function runOrder(rounds: number): Array<{ round: number; side: Side }> {
  const order: Array<{ round: number; side: Side }> = [];
  for (let round = 1; round <= rounds; round++) {
    const sides: Side[] = round % 2 === 1 ? ['A', 'B'] : ['B', 'A'];
    for (const side of sides) order.push({ round, side });
  }
  return order;
}
