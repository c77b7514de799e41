/** What the CPU and heap profile summaries share: how they name a file, how they print a top. */

/**
 * What a profile's script URL is, for summing a profile by file: the package for node_modules,
 * the path from `dist/` for Baton's compiled sources, `(native)` for V8's and Node's internals.
 */
export function fileOf(url: string): string {
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/**
 * The `n` largest entries of `map` under `title`, one line each: the amount as `amount` prints
 * it, its share of `total`, the key.
 */
export function printTop(
  map: Map<string, number>,
  total: number,
  n: number,
  title: string,
  amount: (value: number) => string,
): void {
  console.log(`\n${title}`);
  for (const [key, value] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${amount(value)} ${((100 * value) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
