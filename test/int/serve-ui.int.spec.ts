/**
 * The operator UI served by the service: its files and the index.html fallback for page URLs,
 * while the service's own paths (/api, /health, /metrics) never look on disk (a file of the same
 * name in the UI folder must not shadow or answer them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serveUi } from '../../src/interfaces/web/serve-ui';
import { call } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';

describe('serving the operator UI', () => {
  let t: TestApp;
  let uiDir: string;

  beforeAll(async () => {
    uiDir = mkdtempSync(path.join(os.tmpdir(), 'baton-ui-'));
    writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>index</title>');
    writeFileSync(path.join(uiDir, 'robots.txt'), 'User-agent: *');
    mkdirSync(path.join(uiDir, 'assets'));
    writeFileSync(path.join(uiDir, 'assets', 'app-1234.js'), 'console.log(1)');
    // Files named like service paths: the service must answer them, not the folder.
    mkdirSync(path.join(uiDir, 'api'));
    writeFileSync(path.join(uiDir, 'api', 'workflows'), 'a file, not the API');
    writeFileSync(path.join(uiDir, 'health'), 'a file, not the health check');
    t = await startTestApp({ configure: (app) => serveUi(app, uiDir) });
  });
  afterAll(async () => {
    await t.close();
    rmSync(uiDir, { recursive: true, force: true });
  });

  it('serves its files, assets for good, and index.html for page URLs', async () => {
    const robots = await call('GET', `${t.url}/robots.txt`);
    expect(robots.status).toBe(200);
    expect(robots.body).toBe('User-agent: *');
    const asset = await call('GET', `${t.url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers!.get('cache-control')).toContain('immutable');
    const page = await call('GET', `${t.url}/processes/some-id`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>index</title>');
    expect(page.headers!.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('answers the service paths from the service, never from the folder', async () => {
    const workflows = await call('GET', `${t.url}/api/workflows`);
    expect(workflows.status).toBe(200);
    expect(Array.isArray(workflows.body)).toBe(true);
    const health = await call('GET', `${t.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).not.toBe('a file, not the health check');
    const unknown = await call('GET', `${t.url}/api/no-such-route`);
    expect(unknown.status).toBe(404);
    expect(String(unknown.headers!.get('content-type'))).toContain('application/json');
  });
});
