/**
 * The "before" side of a comparison: a commit's files (git archive, not a worktree, so the
 * repository's own state is left alone), built once and reused by later comparisons. The
 * builds live outside the checkout, in `$XDG_CACHE_HOME/baton-bench/compare/<commit>`
 * (`~/.cache/…` by default): inside it, Jest's module map and every tool that walks the tree
 * would find a second copy of the project. Its node_modules is this checkout's when the two
 * lock files are the same (most hot-path changes), else its own `npm ci`; it shares this
 * checkout's `.bench` (the orchestrator-core venv, built once). Removing that folder drops
 * every such build.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startChild } from '../lib/child-processes';
import { repoRoot } from '../lib/repo';

export const compareBuildsDir = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'baton-bench', 'compare');

const BUILT_MARKER = '.compare-built';

const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });

/** The full commit id `ref` names here; a clear error when it names none. */
export function resolveCommit(ref: string): string {
  try {
    return git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).trim();
  } catch {
    throw new Error(`BENCH_COMPARE_BASE: "${ref}" is not a commit of this repository`);
  }
}

/**
 * The commit this checkout is at, with `+changes` when its files differ from it (new files
 * too; not the bench's own result files, which every comparison adds).
 */
export function describeCheckout(): string {
  const head = git('rev-parse', '--short=12', 'HEAD').trim();
  const dirty = git('status', '--porcelain', '--', '.', ':!bench/results').trim().length > 0;
  return dirty ? `${head}+changes` : head;
}

/** Runs a command in `cwd`, its output shown as it goes (npm ci and the build take minutes). */
async function run(command: string, args: string[], cwd: string, log: (line: string) => void) {
  log(`${command} ${args.join(' ')} (in ${cwd})`);
  const child = startChild(command, command, args, { cwd, echo: true });
  const code = await child.exited;
  if (code !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${code}:\n${child.recentOutput()}`);
}

/** The commit's files, written into `dir` (which must be empty) from `git archive`. */
function extract(commit: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'inherit', 'inherit'] });
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    const done = (name: string) => (code: number | null) => {
      if (code !== 0) reject(new Error(`${name} exited ${code} while extracting ${commit}`));
      else if (--pending === 0) resolve();
    };
    archive.on('exit', done('git archive'));
    tar.on('exit', done('tar'));
    archive.on('error', reject);
    tar.on('error', reject);
  });
}

/**
 * What a build was made from: its commit, and the lock file of the node_modules it borrowed
 * (none when it installed its own). A build that borrowed this checkout's node_modules is made
 * again once this checkout's lock file changes: the modules under it are no longer the
 * commit's.
 */
interface BuiltFrom {
  commit: string;
  borrowedLock: string | null;
}

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

const readBuiltFrom = (marker: string): BuiltFrom | undefined => {
  try {
    return JSON.parse(readFileSync(marker, 'utf8')) as BuiltFrom;
  } catch {
    return undefined;
  }
};

/** The commit's compiled server and bench, ready to run; built only once per commit. */
export async function prepareBaseBuild(
  commit: string,
  log: (line: string) => void,
): Promise<string> {
  const dir = path.join(compareBuildsDir(), commit.slice(0, 12));
  const ownLock = readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8');
  const built = readBuiltFrom(path.join(dir, BUILT_MARKER));
  if (
    built?.commit === commit &&
    (built.borrowedLock === null || built.borrowedLock === hashOf(ownLock))
  ) {
    log(`reusing the build of ${commit.slice(0, 12)} in ${dir}`);
    return dir;
  }
  // Built beside its place and moved there when complete: an interrupted build, or a second
  // comparison building the same commit at once, never leaves or uses a half-built folder.
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  try {
    log(`building ${commit.slice(0, 12)} in ${building}`);
    await extract(commit, building);
    const borrow =
      git('show', `${commit}:package-lock.json`) === ownLock &&
      existsSync(path.join(repoRoot, 'node_modules'));
    if (borrow)
      symlinkSync(path.join(repoRoot, 'node_modules'), path.join(building, 'node_modules'), 'dir');
    else await run('npm', ['ci', '--no-audit', '--no-fund'], building, log);
    mkdirSync(path.join(repoRoot, '.bench'), { recursive: true });
    symlinkSync(path.join(repoRoot, '.bench'), path.join(building, '.bench'), 'dir');
    await run('npm', ['run', 'bench:build'], building, log);
    const from: BuiltFrom = { commit, borrowedLock: borrow ? hashOf(ownLock) : null };
    writeFileSync(path.join(building, BUILT_MARKER), JSON.stringify(from));
    // rmSync unlinks the symlinks inside, never what they point to.
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  return dir;
}
