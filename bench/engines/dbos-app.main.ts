/**
 * The seed workflow on DBOS Transact, behind a plain node http server shaped like Baton's API so
 * the load generator drives both the same way. Status for polling comes from DBOS.getEvent.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import { DBOS } from '@dbos-inc/dbos-sdk';
import { readJsonBody, sendJson } from '../lib/http-json';
import * as l2vpn from './l2vpn-steps';

const port = Number(process.env.PORT);
const lsoUrl = process.env.LSO_URL as string;
const publicUrl = `http://127.0.0.1:${port}`;
const WAIT_SECONDS = 3600;

async function createL2vpn(input: l2vpn.L2vpnInput): Promise<string> {
  const id = DBOS.workflowID as string;
  await DBOS.setEvent('status', 'running');
  const model = await DBOS.runStep(async () => l2vpn.constructModel(input), {
    name: 'Construct L2VPN model',
  });
  const stored = await DBOS.runStep(async () => l2vpn.withStatus(model, 'provisioning'), {
    name: 'Store process subscription',
  });
  await DBOS.setEvent('status', 'awaiting_callback');
  await DBOS.runStep(
    () => l2vpn.requestPlaybook(lsoUrl, input, id, `${publicUrl}/api/processes/${id}/callback`),
    { name: 'Execute an ansible playbook' },
  );
  const callback = await DBOS.recv<l2vpn.LsoCallback>('callback', WAIT_SECONDS);
  if (callback === null) throw new Error('callback timed out');
  await DBOS.runStep(async () => l2vpn.validateCallback(callback), {
    name: 'Evaluate callback result',
  });
  await DBOS.setEvent('status', 'suspended');
  const confirmation = await DBOS.recv<object>('confirm', WAIT_SECONDS);
  if (confirmation === null) throw new Error('confirmation timed out');
  await DBOS.runStep(async () => l2vpn.withStatus(stored, 'active'), { name: 'Set status active' });
  await DBOS.setEvent('status', 'completed');
  return 'completed';
}

const createL2vpnWorkflow = DBOS.registerWorkflow(createL2vpn, { name: 'create_l2vpn' });

async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const [path] = (req.url ?? '').split('?');
  const parts = path.split('/').filter(Boolean); // api processes {id} [callback|resume|events]
  if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'ok' });
  if (parts[0] !== 'api' || parts[1] !== 'processes') return sendJson(res, 404, {});
  if (req.method === 'POST' && parts[2] === 'create_l2vpn' && parts.length === 3) {
    const input = (await readJsonBody(req)) as l2vpn.L2vpnInput;
    const id = randomUUID();
    await DBOS.startWorkflow(createL2vpnWorkflow, { workflowID: id })(input);
    return sendJson(res, 201, { id });
  }
  const id = parts[2];
  if (req.method === 'GET' && parts.length === 3) {
    const status = await DBOS.getEvent<string>(id, 'status', 0);
    return sendJson(res, 200, { id, status: status ?? 'created' });
  }
  if (req.method === 'POST' && parts[3] === 'callback') {
    await DBOS.send(id, await readJsonBody(req), 'callback');
    return sendJson(res, 200, { status: 'accepted' });
  }
  if (req.method === 'PUT' && parts[3] === 'resume') {
    await DBOS.send(id, await readJsonBody(req), 'confirm');
    return sendJson(res, 204);
  }
  if (req.method === 'GET' && parts[3] === 'events') {
    return sendJson(res, 200, (await DBOS.listWorkflowSteps(id)) ?? []);
  }
  return sendJson(res, 404, {});
}

async function main(): Promise<void> {
  DBOS.setConfig({
    name: 'baton-bench',
    systemDatabaseUrl: process.env.DBOS_SYSTEM_DATABASE_URL,
    logLevel: 'warn',
  });
  await DBOS.launch();
  const server = http.createServer((req, res) => {
    route(req, res).catch((error: Error) => sendJson(res, 500, { message: error.message }));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  const shutdown = (): void => {
    server.close();
    void DBOS.shutdown().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown).on('SIGINT', shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
