/**
 * Preloaded into the Baton server by BENCH_HEAP_PROF=<dir> (`node --require`): V8's sampling heap
 * profiler over the server's whole life, counting objects already collected too, so the profile
 * says where the garbage comes from (a CPU profile shows the collector's time, not its causes).
 * Written as `<dir>/heap-<pid>.heapprofile` when the server exits (the folder is created);
 * `node dist-bench/lib/heap-profile-summary.js <file>` sums it up.
 *
 * Only on 'exit': a SIGTERM or SIGINT listener of its own would keep a server that has not yet
 * installed its own handlers from stopping on the signal (and the server's handlers remove
 * every other listener anyway). The server exits once it has shut down, so the profile covers
 * its whole life.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_HEAP_PROF;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  // The inspector answers a session of its own thread at once, so this works in 'exit'.
  process.on('exit', () => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) return void process.stderr.write(`heap profile: ${error.message}\n`);
      writeFileSync(
        path.join(dir, `heap-${process.pid}.heapprofile`),
        JSON.stringify(result.profile),
      );
    });
  });
}
