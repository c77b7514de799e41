/**
 * The simulator must speak what LSO 5.2 speaks, as learnt from the real package
 * (test/interop): lso/routes/playbook.py (request schema, 201 {job_id}, 422 when the inventory
 * is missing, callback optional) and lso/tasks.py (progress as JSON {"progress": [lines]} once
 * per Ansible event, callback {status, job_id, output: [lines], return_code}).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  RunnerSimulator,
  startRunnerSimulator,
} from '../../src/runner-simulator/lso-runner-simulator';
import { call } from '../support/api';

interface Received {
  path: string;
  contentType: string;
  body: any;
}

describe('LSO runner simulator speaks LSO 5.2', () => {
  let sim: RunnerSimulator;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];

  beforeAll(async () => {
    sim = await startRunnerSimulator({ delayMs: 50 });
    receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({
          path: req.url ?? '',
          contentType: req.headers['content-type'] ?? '',
          body: JSON.parse(text),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => receiver.close(r));
  });

  const request = {
    playbook_name: 'playbook.yml',
    inventory: 'ams-r1\nlon-r2',
    extra_vars: { vlan: 100 },
    callback: `http://placeholder/cb`,
    progress: `http://placeholder/cb/progress`,
  };

  it('reports progress per event as JSON {"progress": [lines]}, then calls back with output lines', async () => {
    received.length = 0;
    const run = { ...request, callback: base, progress: `${base}/progress` };
    const answer = await call('POST', `${sim.url}/api/playbook/`, run);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({ job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await sim.idle();

    const progress = received.filter((r) => r.path === '/cb/progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    for (const report of progress) {
      expect(report.contentType).toBe('application/json');
      expect(report.body).toEqual({ progress: expect.any(Array) });
      expect(report.body.progress.every((l: unknown) => typeof l === 'string' && l)).toBe(true);
    }
    const last = received[received.length - 1];
    expect(last.path).toBe('/cb'); // every progress report comes before the callback
    expect(last.body).toEqual({
      status: 'successful',
      job_id: answer.body.job_id,
      output: expect.arrayContaining([expect.stringMatching(/^PLAY RECAP/)]),
      return_code: 0,
    });
    expect(last.body.output.join('\n')).toMatch(/ams-r1[\s\S]*lon-r2/); // the inventory's hosts
  });

  it('fails like ansible-playbook: return code 2, status failed', async () => {
    received.length = 0;
    sim.setFailing(true);
    await call('POST', `${sim.url}/api/playbook/`, {
      ...request,
      callback: base,
      progress: undefined,
    });
    await sim.idle();
    sim.setFailing(false);
    expect(received).toHaveLength(1);
    expect(received[0].body).toMatchObject({ status: 'failed', return_code: 2 });
    expect(received[0].body.output.join('\n')).toMatch(/FAILED!/);
  });

  it('answers 422 with a FastAPI detail list without an inventory, and runs without a callback', async () => {
    const { inventory: _omit, ...noInventory } = request;
    const refused = await call('POST', `${sim.url}/api/playbook/`, noInventory);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toEqual([
      expect.objectContaining({ type: 'missing', loc: ['body', 'inventory'] }),
    ]);
    const { callback: _none, progress: _nor, ...fireAndForget } = request;
    const accepted = await call('POST', `${sim.url}/api/playbook/`, fireAndForget);
    expect(accepted.status).toBe(201);
    await sim.idle();
  });
});
