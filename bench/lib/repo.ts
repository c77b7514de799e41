import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, found from wherever the compiled bench runs (dist-bench/…). */
export const repoRoot = ((): string => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the bench');
    dir = parent;
  }
  return dir;
})();

/** A compiled bench entry point (bench/x/y.ts → dist-bench/x/y.js). */
export const benchScript = (relative: string): string =>
  path.join(repoRoot, 'dist-bench', relative.replace(/\.ts$/, '.js'));
