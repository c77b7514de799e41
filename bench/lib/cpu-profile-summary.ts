import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileOf, printTop } from './profile-file';

/**
 * Sums a V8 .cpuprofile (from BENCH_CPU_PROF) by self time: per function, per file (package for
 * node_modules) and, with inclusive time, per Baton source file, so a profile of the bench run
 * says where the server's milliseconds go without opening a GUI.
 * Usage: node dist-bench/lib/cpu-profile-summary.js <file.cpuprofile> [top=40] [from-function]
 * Samples before the first one whose stack holds `from-function` (default `sendDetail`: the first
 * status poll, so start-up and module loading are left out) are skipped.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const top = (map: Map<string, number>, total: number, n: number, title: string): void =>
  printTop(map, total, n, title, (us) => `${(us / 1000).toFixed(0).padStart(8)} ms`);

function main(): void {
  const file = process.argv[2];
  const n = Number(process.argv[3] ?? 40);
  const fromFunction = process.argv[4] ?? 'sendDetail';
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const holds = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
      if (byId.get(at)!.callFrame.functionName === fromFunction) return true;
    return false;
  };
  const first = profile.samples.findIndex(holds);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (i < first) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const inclusiveByFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const where = fileOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byFile.set(where, (byFile.get(where) ?? 0) + us);
    // Inclusive per Baton file: count each file once per stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (!url.includes('/dist/')) continue;
      const f = fileOf(url);
      if (seen.has(f)) continue;
      seen.add(f);
      inclusiveByFile.set(f, (inclusiveByFile.get(f) ?? 0) + us);
    }
  }
  console.log(
    `${path.basename(file)}: busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`,
  );
  top(byFunction, total, n, 'self time by function');
  top(byFile, total, n, 'self time by file / package');
  top(inclusiveByFile, total, n, 'inclusive time by Baton file (dist/)');
}

main();
