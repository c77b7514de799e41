/**
 * Preloaded into the Baton server by BENCH_HEAP_PROF=<dir> (`node --require`): V8's sampling heap
 * profiler over the server's whole life, counting objects already collected too, so the profile
 * says where the garbage comes from (a CPU profile shows the collector's time, not its causes).
 * Written as `<dir>/heap-<pid>.heapprofile` when the server is told to stop;
 * `node dist-bench/lib/heap-profile-summary.js <file>` sums it up.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_HEAP_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  let written = false;
  // The inspector answers a session of its own thread at once: the file is written before the
  // server's own stop handlers run.
  const write = (): void => {
    if (written) return;
    written = true;
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) return void process.stderr.write(`heap profile: ${error.message}\n`);
      writeFileSync(
        path.join(dir, `heap-${process.pid}.heapprofile`),
        JSON.stringify(result.profile),
      );
    });
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.prependListener(signal, write);
  process.on('exit', write);
}
