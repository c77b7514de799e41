/**
 * `npm run bench:hop`: the runner's hop on an idle service, i.e. how long it takes from one
 * recorded step to the next when nothing else is going on. Runs BENCH_HOP_N (50) create_l2vpn
 * processes one after another against a silent LSO (so each stops awaiting its callback), and
 * measures the time between the runner's consecutive records, from the events' own times:
 * ProcessStarted → step 0 → step 1 → CallbackIssued.
 */
import { startBatonServer } from './engines/launchers';
import { onCleanup, runBench } from './lib/cleanup';
import { requestJson, waitUntil } from './lib/http-json';
import { freePort } from './lib/ports';
import { startBenchPostgres } from './lib/postgres-server';
import { percentile } from './lib/stats';
import { L2VPN_INPUT } from './load/workload';
import { startSilentLso } from './scale/silent-lso';

interface RecordedEvent {
  type: string;
  metadata: { at: string };
}

const HOPS = ['ProcessStarted', 'StepCompleted', 'StepCompleted', 'CallbackIssued'];

runBench(async () => {
  const n = Number(process.env.BENCH_HOP_N ?? 50);
  const pg = await startBenchPostgres();
  onCleanup(() => pg.stop());
  await pg.createDatabase('bench_hop');
  const lsoPort = await freePort();
  onCleanup(await startSilentLso(lsoPort));
  const { baseUrl } = await startBatonServer(
    pg.socketUrl('bench_hop'),
    `http://127.0.0.1:${lsoPort}`,
  );
  // The first hop includes the runner hearing of the new process through its subscription; the
  // others are the runner going straight on to the next step.
  const pickup: number[] = [];
  const hops: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = await requestJson('POST', `${baseUrl}/api/processes/create_l2vpn`, L2VPN_INPUT);
    const id = (started.body as { id: string }).id;
    let events: RecordedEvent[] = [];
    await waitUntil('the process to await its callback', async () => {
      events = (await requestJson('GET', `${baseUrl}/api/processes/${id}/events`))
        .body as RecordedEvent[];
      return events.length >= HOPS.length;
    });
    const types = events.slice(0, HOPS.length).map((e) => e.type);
    if (types.join() !== HOPS.join()) throw new Error(`unexpected history ${types.join(', ')}`);
    const times = events.slice(0, HOPS.length).map((e) => Date.parse(e.metadata.at));
    pickup.push(times[1] - times[0]);
    for (let h = 2; h < times.length; h++) hops.push(times[h] - times[h - 1]);
    await new Promise((r) => setTimeout(r, 50)); // idle between processes
  }
  const describe = (values: number[]) =>
    `p50 ${percentile(values, 50)} ms, p99 ${percentile(values, 99)} ms, max ${Math.max(...values)} ms`;
  process.stdout.write(
    [
      `idle runner, ${n} processes one at a time (event times have 1 ms resolution):`,
      `  step to next step (${hops.length} hops): ${describe(hops)}`,
      `  start to first step, through the subscription (${pickup.length}): ${describe(pickup)}`,
      '',
    ].join('\n'),
  );
});
