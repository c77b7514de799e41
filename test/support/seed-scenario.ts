/**
 * The seed scenario end to end, for any event store: Baton calls the bundled LSO runner
 * simulator over real HTTP, the simulator reports progress and calls back, the operator
 * confirms. Afterwards everything stored, every log line and every answer is scanned for the
 * plaintext tokens that were handed out. test/e2e runs it on PostgreSQL,
 * test/eventstoredb on EventStoreDB.
 */
import { fetchHttpClient } from '../../src/infrastructure/http/fetch-http-client';
import {
  RunnerSimulator,
  startRunnerSimulator,
} from '../../src/runner-simulator/lso-runner-simulator';
import { L2VPN_INPUT, SUCCESS, api, call } from './api';
import { TestApp, TestAppOptions } from './test-app';

export interface SeedScenarioApp extends TestApp {
  /** Everything the app stored (events and read models), as text, for the secret scan. */
  storedText(): Promise<string>;
}

export function describeSeedScenario(
  storeName: string,
  startApp: (options: TestAppOptions) => Promise<SeedScenarioApp>,
): void {
  describe(`create_l2vpn against the LSO runner simulator (${storeName})`, () => {
    let sim: RunnerSimulator;
    let t: SeedScenarioApp;
    let client: ReturnType<typeof api>;
    const answers: string[] = [];

    beforeAll(async () => {
      sim = await startRunnerSimulator({ delayMs: 100 });
      t = await startApp({ adapters: { http: fetchHttpClient() } });
      t.adapters.runtime.workflowSettings.ANSIBLE_PROXY_URL = sim.url;
      client = api(t.url);
    });
    afterAll(async () => {
      await t?.close();
      await sim?.close();
    });

    /** Every answer the API gave, kept for the secret scan. */
    const remember = <T>(value: T): T => {
      answers.push(JSON.stringify(value));
      return value;
    };

    it('runs to completed with progress, confirmation and an active subscription', async () => {
      const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
      const suspended = remember(await client.waitFor(body.id, (d) => d.status === 'suspended'));
      expect(suspended.form.title).toBe('Execution for L2VPN completed.');
      expect(suspended.form.values.run_status).toBe('successful');
      expect(JSON.parse(suspended.form.values.run_results)).toMatchObject({
        return_code: 0,
        status: 'successful',
      });
      // LSO reports each Ansible event as {"progress": [lines]}; the last one is the recap.
      expect(suspended.callback.lastProgress.progress[0]).toMatch(/^PLAY RECAP/);
      expect((await client.resume(body.id, {})).status).toBe(204);
      const done = remember(await client.waitFor(body.id, (d) => d.status === 'completed'));
      expect(done.state.subscription.status).toBe('active');
      const allTypes: string[] = remember((await client.events(body.id)).body).map(
        (e: { type: string }) => e.type,
      );
      const progressReports = allTypes.filter((t) => t === 'CallbackProgressReported');
      expect(progressReports.length).toBeGreaterThanOrEqual(3); // one per simulated Ansible event
      const types = allTypes.filter((t) => t !== 'CallbackProgressReported');
      // Progress and the action's return race each other by design, so compare as a multiset.
      expect(types[types.length - 1]).toBe('ProcessCompleted');
      expect([...types].sort()).toEqual(
        [
          'ProcessStarted',
          'StepCompleted',
          'StepCompleted',
          'CallbackIssued',
          'CallbackActionCompleted',
          'CallbackReceived',
          'StepCompleted',
          'InputRequested',
          'ConfirmationGiven',
          'StepCompleted',
          'StepCompleted',
          'ProcessCompleted',
        ].sort(),
      );
    });

    it('fails on a non-zero return code; retry hands out a new token and the old one answers 410', async () => {
      sim.setFailing(true);
      const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
      const failed = remember(await client.waitFor(body.id, (d) => d.status === 'failed'));
      expect(failed.failedReason).toBe('Callback failure');
      expect(failed.failure).toMatchObject({
        step: 'Execute an ansible playbook',
        details: { return_code: 2 },
      });
      const oldUrl = sim.jobs[sim.jobs.length - 1].callback!;
      sim.setFailing(false);
      expect((await client.retry(body.id)).status).toBe(204);
      const suspended = remember(await client.waitFor(body.id, (d) => d.status === 'suspended'));
      const newUrl = sim.jobs[sim.jobs.length - 1].callback;
      expect(newUrl).not.toBe(oldUrl);
      expect(suspended.callback.status).toBe('received');
      const late = await call('POST', oldUrl, SUCCESS);
      expect(late.status).toBe(410);
      answers.push(JSON.stringify(late.body));
    });

    it('never stores, logs or answers a plaintext token', async () => {
      await sim.idle();
      const tokens = sim.jobs.map((j) => j.callback!.split('/callback/')[1]);
      expect(tokens.length).toBeGreaterThanOrEqual(3);
      expect(tokens.every((token) => /^[A-Za-z0-9_-]{43}$/.test(token))).toBe(true);

      const dump = await t.storedText();
      expect(dump).toContain('tokenHash'); // the scan reads real content…
      const logs = t.logs.lines.join('\n');
      for (const token of tokens) {
        // …and finds no token in the store, the logs or any API answer
        expect(dump).not.toContain(token);
        expect(logs).not.toContain(token);
        expect(answers.join('\n')).not.toContain(token);
      }
    });
  });
}
