import { readFileSync } from 'node:fs';
import { fileOf, printTop } from './profile-file';

/**
 * Sums sampled heap profiles (from BENCH_HEAP_PROF) by the bytes each function allocated, per
 * function and per file (package for node_modules), collected objects included; each file on
 * its own (a server with WORKERS writes one per process).
 * Usage: node dist-bench/lib/heap-profile-summary.js <file.heapprofile>… [top=40]
 */
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const args = process.argv.slice(2);
const top = args.length > 1 && /^\d+$/.test(args[args.length - 1]) ? Number(args.pop()) : 40;
if (args.length === 0) {
  console.error('usage: node dist-bench/lib/heap-profile-summary.js <file.heapprofile>… [top=40]');
  process.exit(2);
}

const add = (map: Map<string, number>, key: string, bytes: number) =>
  map.set(key, (map.get(key) ?? 0) + bytes);

const summarise = (file: string): void => {
  const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode };
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${fileOf(url)}:${lineNumber + 1}`;
    add(byFunction, name, node.selfSize);
    add(byFile, fileOf(url), node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(head);
  const show = (map: Map<string, number>, n: number, title: string): void =>
    printTop(map, total, n, title, (bytes) => `${(bytes / 2 ** 20).toFixed(1).padStart(8)} MiB`);
  console.log(`${file}: ${(total / 2 ** 20).toFixed(0)} MiB allocated (sampled)`);
  show(byFunction, top, 'allocated by function');
  show(byFile, 25, 'allocated by file / package');
};

args.forEach(summarise);
