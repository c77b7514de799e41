import { readFileSync } from 'node:fs';
import { fileOf } from './profile-file';

/**
 * Sums a sampled heap profile (from BENCH_HEAP_PROF) by the bytes each function allocated, per
 * function and per file (package for node_modules), collected objects included.
 * Usage: node dist-bench/lib/heap-profile-summary.js <file.heapprofile> [top=40]
 */
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist-bench/lib/heap-profile-summary.js <file.heapprofile> [top=40]');
  process.exit(2);
}
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
const add = (map: Map<string, number>, key: string, bytes: number) =>
  map.set(key, (map.get(key) ?? 0) + bytes);
const walk = (node: HeapNode): void => {
  const { functionName, url, lineNumber } = node.callFrame;
  add(
    byFunction,
    `${functionName || '(anonymous)'} ${fileOf(url)}:${lineNumber + 1}`,
    node.selfSize,
  );
  add(byFile, fileOf(url), node.selfSize);
  total += node.selfSize;
  node.children.forEach(walk);
};
walk(head);

const show = (map: Map<string, number>, n: number, title: string): void => {
  console.log(`\n${title}`);
  for (const [key, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(
      `${(bytes / 2 ** 20).toFixed(1).padStart(8)} MiB ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${key}`,
    );
};
console.log(`${file}: ${(total / 2 ** 20).toFixed(0)} MiB allocated (sampled)`);
show(byFunction, Number(topArg ?? 40), 'allocated by function');
show(byFile, 25, 'allocated by file / package');
