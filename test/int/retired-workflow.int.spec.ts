/**
 * A registry of team workflows (issue 15, point 5): versions side by side, a process keeps its
 * version, and a version that disappears while processes still wait on it parks them with a
 * reason the API shows, instead of leaving them silently stuck or failing the detail with 404.
 */
import { workflow, WorkflowDefinition } from '../../src/domain/workflow/dsl';
import { registryOf } from '../../src/domain/workflow/registry-of';
import { workflows } from '../../examples/l2vpn/src';
import { api, L2VPN_INPUT, SUCCESS } from '../support/api';
import { PgFixture, startPgFixture } from '../support/pg-app';
import { startTestApp } from '../support/test-app';

jest.setTimeout(120_000);

const [createL2vpnV1] = workflows;
const createL2vpnV2: WorkflowDefinition = workflow({
  ...createL2vpnV1,
  version: 2,
  description: 'Create L2VPN (v2)',
});

describe('workflow versions in the registry', () => {
  let pg: PgFixture;
  beforeAll(async () => (pg = await startPgFixture()));
  afterAll(() => pg?.close());

  it('refuses two definitions with the same name and version at start-up, naming both', () => {
    const copy = workflow({ ...createL2vpnV1, description: 'A copy' });
    expect(() => registryOf([createL2vpnV1, createL2vpnV2, copy])).toThrow(
      'Workflow create_l2vpn v1 is defined twice: workflows[0] ("Create L2VPN", 5 steps) and workflows[2] ("A copy", 5 steps)',
    );
  });

  it('keeps a process on its version, and parks it with a reason when that version is gone', async () => {
    // A process starts on v1.
    const first = await startTestApp({
      pool: pg.db.pool,
      adapters: { registry: registryOf([createL2vpnV1]) },
    });
    const client = api(first.url);
    const onV1 = (await client.start('create_l2vpn', L2VPN_INPUT)).body.id as string;
    await client.awaitingCallback(onV1);
    await first.close();

    // v2 deployed beside v1: new processes start on v2, the one on v1 stays on v1.
    const upgraded = await startTestApp({
      pool: pg.db.pool,
      adapters: { registry: registryOf([createL2vpnV1, createL2vpnV2]) },
    });
    const onV2 = (await api(upgraded.url).start('create_l2vpn', L2VPN_INPUT)).body.id as string;
    const v2 = await api(upgraded.url).awaitingCallback(onV2);
    expect(v2.workflowVersion).toBe(2);
    const v2Callback = new URL(await upgraded.remote.callbackUrlOf(onV2));
    expect((await api(upgraded.url).detail(onV1)).body).toMatchObject({
      workflowVersion: 1,
      status: 'awaiting_callback',
      parked: null,
    });
    await upgraded.close();

    // v1 dropped while a process still waits on it: parked at start-up, saying why.
    const v2Only = await startTestApp({
      pool: pg.db.pool,
      adapters: { registry: registryOf([createL2vpnV2]) },
    });
    const client2 = api(v2Only.url);
    const parked = await client2.waitFor(onV1, (d) => d.parked !== null);
    expect(parked.parked.reason).toBe(
      'workflow create_l2vpn v1 is not registered in this deployment (it has v2); deploy a service that registers create_l2vpn v1 again, then retry the process',
    );
    expect(parked.status).toBe('awaiting_callback');
    // The v2 process is untouched and still completes.
    expect((await client2.detail(onV2)).body.parked).toBeNull();
    const delivered = await client2.callback(`${v2Only.url}${v2Callback.pathname}`, SUCCESS);
    expect(delivered.status).toBe(200);
    await client2.waitFor(onV2, (d) => d.status === 'suspended');
    expect((await client2.resume(onV2)).status).toBe(204);
    await client2.waitFor(onV2, (d) => d.status === 'completed');
    await v2Only.close();
  });
});
