/**
 * Three instances on one PostgreSQL run 200 create_l2vpn processes; requests and callbacks go
 * to random instances; one instance is SIGKILLed mid-run. Every process completes, each step's
 * events appear exactly once, one CallbackReceived per token, and no token is revoked and
 * re-issued while all instances are alive (only the dead instance's in-flight actions are).
 */
import { ServiceProcess } from '../support/service-process';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { CallingLso, startCallingLso } from './support/calling-lso';
import { ClusterClient, inParallel, startInstance } from './support/cluster';
import { checkCompletedHistory } from './support/history-checks';

const PROCESSES = 200;
const KILL_AFTER_STARTED = 70;

describe('three instances, one SIGKILLed mid-run', () => {
  let pg: PgFixture;
  let lso: CallingLso;
  const instances: ServiceProcess[] = [];

  beforeAll(async () => {
    pg = await startPgFixture();
    lso = await startCallingLso([]);
    for (let i = 0; i < 3; i++) {
      instances.push(await startInstance(pg.db.connectionString, lso.url));
      lso.targets.push(instances[i].url);
    }
    // Let the partitions spread over the three before the load starts.
    await Promise.all(instances.map((s) => s.waitForOutput(/\((10|11) held\)/)));
  });

  afterAll(async () => {
    for (const instance of instances) await instance.kill('SIGTERM');
    await lso?.close();
    await pg?.close();
  });

  it('completes every process with nothing lost or doubled, and takes over within the bound', async () => {
    const victim = instances[1];
    let alive = instances.map((s) => s.url);
    const client = new ClusterClient(() => alive);
    let started = 0;
    let killedAt = 0;
    let takeoverMs = -1;
    const survivorsFrom: number[] = [];
    const kill = async () => {
      const held = [...victim.output().matchAll(/\((\d+) held\)/g)].pop();
      instances.forEach((s, i) => (survivorsFrom[i] = s.output().length));
      killedAt = Date.now();
      await victim.kill('SIGKILL');
      alive = alive.filter((url) => url !== victim.url);
      lso.targets.splice(lso.targets.indexOf(victim.url), 1);
      // Takeover: until the survivors have picked up as many partitions as the victim held.
      const owed = Number(held?.[1] ?? 0);
      for (;;) {
        const taken = instances
          .filter((s) => s !== victim)
          .flatMap((s) => [
            ...s
              .output()
              .slice(survivorsFrom[instances.indexOf(s)])
              .matchAll(/now driving partitions ([\d, ]+)/g),
          ])
          .reduce((sum, m) => sum + m[1].split(',').length, 0);
        if (taken >= owed) break;
        if (Date.now() - killedAt > 60_000)
          throw new Error(`only ${taken} of ${owed} partitions taken over`);
        await new Promise((r) => setTimeout(r, 20));
      }
      takeoverMs = Date.now() - killedAt;
    };

    const t0 = Date.now();
    let killing: Promise<void> | undefined;
    const ids = await inParallel(PROCESSES, 16, (i) =>
      client.runL2vpn(`three-${i}`, () => {
        if (++started === KILL_AFTER_STARTED) killing = kill();
      }),
    );
    await killing;
    const wallMs = Date.now() - t0;

    const problems: string[] = [];
    let revokedWhileAllAlive = 0;
    let reissued = 0;
    for (const id of ids) {
      const findings = checkCompletedHistory(id, await client.events(id));
      problems.push(...findings.problems);
      reissued += findings.revoked.length;
      revokedWhileAllAlive += findings.revoked.filter(
        (e) => Date.parse(e.metadata.at) < killedAt,
      ).length;
    }
    console.log(
      `three instances: ${PROCESSES} processes in ${wallMs} ms, 1 SIGKILL, lost: ${PROCESSES - ids.length}, ` +
        `doubled/other problems: ${problems.length}, re-issued after the kill: ${reissued}, ` +
        `revoked while all alive: ${revokedWhileAllAlive}, takeover: ${takeoverMs} ms, ` +
        `callback answers: ${JSON.stringify(lso.answers)}`,
    );
    expect(problems).toEqual([]);
    expect(new Set(ids).size).toBe(PROCESSES);
    expect(revokedWhileAllAlive).toBe(0);
    expect(takeoverMs).toBeGreaterThanOrEqual(0);
    expect(takeoverMs).toBeLessThan(15_000);
  });
});
