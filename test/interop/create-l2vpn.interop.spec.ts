/**
 * Issue #5: the seed scenario against the REAL LSO 5.2 running a real Ansible playbook
 * (interop/playbooks/playbook.yml), with Baton as a real child process on its embedded
 * PostgreSQL, exactly as `npm start` runs it. Nothing is simulated: progress lines come from
 * ansible-runner's events, the callback from LSO's finished handler.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { L2VPN_INPUT, api, call } from '../support/api';
import { freePort } from '../support/postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { describeEvents } from './support/event-log';
import { RealLso, startRealLso } from './support/real-lso';
import { RecordingProxy, startRecordingProxy } from './support/recording-proxy';

jest.setTimeout(180_000);
const RUN_MS = 60_000; // one playbook run takes a few seconds; leave room on a busy machine

describe('create_l2vpn against the real LSO 5.2 and Ansible', () => {
  let lso: RealLso;
  let proxy: RecordingProxy;
  let baton: ServiceProcess;
  let dataDir: string;
  let client: ReturnType<typeof api>;
  const answers: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    lso = await startRealLso();
    proxy = await startRecordingProxy(lso.url);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'baton-interop-'));
    const port = String(await freePort());
    baton = await startServiceProcess({
      PORT: port,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      ANSIBLE_PROXY_URL: proxy.url,
      RUNNER_SIMULATOR: 'off',
      TIMER_POLL_MS: '200',
    });
    client = api(baton.url);
    console.log(`LSO and Baton up in ${Date.now() - started} ms`);
  });

  afterAll(async () => {
    await baton?.kill('SIGTERM'); // a graceful stop also stops its PostgreSQL
    await proxy?.close();
    await lso?.stop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  const events = async (id: string) => {
    const { body } = await call('GET', `${baton.url}/api/processes/${id}/events`);
    answers.push(JSON.stringify(body));
    return body as Array<{ revision: number; type: string; data: any }>;
  };
  const ofType = (all: Array<{ type: string; data: any }>, type: string) =>
    all.filter((e) => e.type === type);

  it('runs the playbook, streams its progress, shows the real result and activates', async () => {
    const started = Date.now();
    const { status, body } = await client.start('create_l2vpn', L2VPN_INPUT);
    expect(status).toBe(201);
    const suspended = await client.waitFor(body.id, (d) => d.status === 'suspended', RUN_MS);
    answers.push(JSON.stringify(suspended));
    const ranMs = Date.now() - started;

    // LSO accepted the request with 201 {job_id}, and the callback carries that job.
    expect(proxy.jobs).toHaveLength(1);
    const [job] = proxy.jobs;
    expect(job.status).toBe(201);
    expect(job.answer).toEqual({ job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    // The form shows the real run: LSO's status and its output as a list of lines.
    expect(suspended.form.title).toBe('Execution for L2VPN completed.');
    expect(suspended.form.values.run_status).toBe('successful');
    const results = JSON.parse(suspended.form.values.run_results);
    expect(suspended.form.values.run_results).not.toContain('\u001b'); // colours stripped for reading
    expect(results).toMatchObject({
      job_id: job.answer.job_id,
      return_code: 0,
      status: 'successful',
    });
    expect(results.output).toEqual(expect.arrayContaining([expect.stringMatching(/PLAY RECAP/)]));
    expect(results.output.join('\n')).toMatch(/changed=2.*failed=0/);

    // Every Ansible event with output arrived as its own {"progress": [lines]} report.
    const history = await events(body.id);
    const progress = ofType(history, 'CallbackProgressReported');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (const report of progress)
      expect(report.data.progress).toEqual({ progress: expect.any(Array) });
    expect(progress.map((p) => p.data.progress.progress.join('\n')).join('\n')).toMatch(
      /TASK \[Render the site configuration\]/,
    );

    // The playbook really rendered both sites' configuration, and LSO serves it.
    const files = await call('GET', `${lso.url}/api/files/${job.answer.job_id}`);
    expect([...files.body.files].sort()).toEqual(['ams-r1.conf', 'lon-r2.conf']);
    const config = await fetch(`${lso.url}/api/files/${job.answer.job_id}/lon-r2.conf`);
    expect(await config.text()).toMatch(/neighbor ams-r1 {\s*interface xe-0\/0\/2\.100;?/);

    expect((await client.resume(body.id, {})).status).toBe(204);
    const done = await client.waitFor(body.id, (d) => d.status === 'completed', RUN_MS);
    answers.push(JSON.stringify(done));
    expect(done.state.subscription.status).toBe('active');
    const all = await events(body.id);
    expect(all[all.length - 1].type).toBe('ProcessCompleted');
    console.log(
      `${describeEvents(`create_l2vpn ${body.id} against LSO (playbook run + callback in ${ranMs} ms):`, all)}`,
    );
  });

  it('fails on the playbook failure; retry runs a new LSO job with a new token; the old URL is gone', async () => {
    const input = { ...L2VPN_INPUT, vlan: 200, interface_b: 'bogus0' }; // the playbook rejects it
    const { body } = await client.start('create_l2vpn', input);
    const failed = await client.waitFor(body.id, (d) => d.status === 'failed', RUN_MS);
    answers.push(JSON.stringify(failed));
    expect(failed.failedReason).toBe('Callback failure');
    expect(failed.failure.details).toMatchObject({ return_code: 2, status: 'failed' });
    expect(failed.failure.details.output.join('\n')).toMatch(
      /unknown interface: xe-0\/0\/1 \/ bogus0/,
    );
    const first = proxy.jobs[proxy.jobs.length - 1];

    expect((await client.retry(body.id)).status).toBe(204);
    const again = await client.waitFor(
      body.id,
      (d) => d.status === 'failed' && d.revision > failed.revision,
      RUN_MS,
    );
    answers.push(JSON.stringify(again));
    const second = proxy.jobs[proxy.jobs.length - 1];
    expect(second.answer.job_id).not.toBe(first.answer.job_id);
    expect(second.request.callback).not.toBe(first.request.callback);
    const issued = ofType(await events(body.id), 'CallbackIssued');
    expect(issued).toHaveLength(2);
    expect(issued[1].data.tokenId).not.toBe(issued[0].data.tokenId);
    expect(again.failure.details.job_id).toBe(second.answer.job_id);

    // LSO's own late re-delivery of the first run's result would find its token revoked.
    const late = await call('POST', first.request.callback!, {
      status: 'failed',
      job_id: first.answer.job_id,
      output: ['late'],
      return_code: 2,
    });
    expect(late.status).toBe(410);
    answers.push(JSON.stringify(late.body));
  });

  it('never logs, stores or answers a callback token', () => {
    const tokens = proxy.jobs.map((j) => j.request.callback!.split('/callback/')[1]);
    expect(tokens).toHaveLength(3);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(baton.output()).not.toContain(token);
      expect(answers.join('\n')).not.toContain(token);
    }
  });
});
