/**
 * Every route says who may call it. A route without a declaration would be admin-only (the
 * guard fails closed), but nobody should get that by accident: this lists every route of the
 * app from Nest's metadata and fails on any that declares nothing. It also pins the access of
 * the routes that exist, so a change to who may do what shows up in review. GraphQL (one HTTP
 * route, many operations) is checked per root field: queries and subscriptions are read-only,
 * so each is `auditor`.
 */
import { listGraphqlOperations, listRoutes } from '../support/routes';
import { TestApp, startTestApp } from '../support/test-app';

describe('route access declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('finds the routes through Nest metadata', () => {
    expect(listRoutes(t.app).length).toBeGreaterThanOrEqual(11);
  });

  it('has no route without an explicit @Public() or @Roles(...)', () => {
    const undeclared = listRoutes(t.app)
      .filter((r) => r.access === undefined)
      .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('gives each known route the access the README documents', () => {
    const table = Object.fromEntries(
      listRoutes(t.app).map((r) => [
        `${r.method} ${r.path}`,
        r.access && ('public' in r.access ? 'public' : r.access.role),
      ]),
    );
    expect(table).toMatchObject({
      'GET /api/workflows': 'auditor',
      'GET /api/processes': 'auditor',
      'GET /api/processes/:id': 'auditor',
      'GET /api/processes/:id/events': 'auditor',
      'GET /api/processes/:id/state': 'auditor',
      'GET /api/processes/counts': 'auditor',
      'GET /api/processes/:id/callbacks': 'auditor',
      'GET /api/processes/:id/steps': 'auditor',
      'GET /api/admin/projections': 'admin',
      'GET /api/admin/projections/:name': 'admin',
      'POST /api/admin/projections/:name/rebuild': 'admin',
      'POST /api/processes/:workflow': 'operator',
      'PUT /api/processes/:id/resume': 'operator',
      'PUT /api/processes/:id/retry': 'operator',
      'PUT /api/processes/:id/abort': 'operator',
      'POST /api/processes/:id/callback/:token': 'public',
      'POST /api/processes/:id/callback/:token/progress': 'public',
      'GET /api/processes/:id/verify': 'auditor',
      'GET /api/processes/:id/audit': 'auditor',
      'GET /api/events': 'auditor',
      'GET /api/events/schema': 'auditor',
      'GET /health': 'public',
      'GET /health/live': 'public',
      'GET /health/ready': 'public',
      'GET /metrics': 'auditor',
      'GET /api/me': 'auditor',
      'GET /api/ledger/keys': 'public',
      'GET /api/ledger/digest': 'auditor',
      'GET /api/ledger/proof': 'auditor',
      'GET /api/ledger/consistency': 'auditor',
      'GET /api/ledger/bundle': 'auditor',
      'POST /api/webhooks': 'admin',
      'GET /api/webhooks': 'admin',
      'GET /api/webhooks/:id': 'admin',
      'PUT /api/webhooks/:id/pause': 'admin',
      'PUT /api/webhooks/:id/resume': 'admin',
      'POST /api/webhooks/:id/replay': 'admin',
      'DELETE /api/webhooks/:id': 'admin',
      'GET /api/ui/config': 'public',
      'GET /oc/api/settings/status': 'auditor',
      'GET /oc/api/translations/:locale': 'auditor',
      'GET /oc/api/processes/status-counts': 'auditor',
      'GET /oc/api/processes/:id': 'auditor',
      'POST /oc/api/processes/:workflow': 'operator',
      'PUT /oc/api/processes/:id/resume': 'operator',
      'PUT /oc/api/processes/:id/abort': 'operator',
      'POST /oc/api/graphql': 'auditor',
    });
  });

  it('declares the access of every GraphQL query and subscription (all auditor: it is read-only)', () => {
    const operations = listGraphqlOperations(t.app);
    expect(operations.map((o) => o.name).sort()).toEqual([
      'Query.callbacks',
      'Query.counts',
      'Query.events',
      'Query.process',
      'Query.processes',
      'Query.workflows',
      'Subscription.processChanged',
    ]);
    const notAuditor = operations
      .filter((o) => !(o.access && 'role' in o.access && o.access.role === 'auditor'))
      .map((o) => `${o.name} (${o.resolver}.${o.handler}): ${JSON.stringify(o.access)}`);
    expect(notAuditor).toEqual([]);
  });
});
