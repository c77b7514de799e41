/**
 * SURF's orchestrator-ui (compat/orchestrator-ui, the npm components 9.0.0 in a Next.js 15 shell)
 * against Baton's orchestrator-core compatible API, in headless Chromium. Everything is real:
 * Baton runs as `npm start` does (embedded PostgreSQL, the bundled LSO simulator calling back),
 * the UI is `next start` of the production build, and an authenticating proxy in front of both
 * adds Baton's API key, as a deployment would (Baton's authentication stays on).
 * `npm run test:oc-ui` installs and builds the UI first; screenshots go to test-artifacts/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { L2VPN_INPUT, api } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { launchChromium, screenshot } from '../support/browser';
import { freePort } from '../support/postgres';
import { ServiceProcess, startServiceProcess } from '../support/service-process';
import { AuthProxy, startAuthProxy } from './support/auth-proxy';
import { NextServer, startNextServer } from './support/next-server';

jest.setTimeout(300_000);
const UI_WAIT_MS = 30_000; // first renders compile nothing, but the machine may be busy

declare const window: { __notReloaded?: boolean };

const step = (text: string) => console.info(`oc-ui: ${text}`);

describe('orchestrator-ui against Baton', () => {
  let dataDir: string;
  let baton: ServiceProcess;
  let simulator: string;
  let next: NextServer;
  let proxy: AuthProxy;
  let browser: Browser;
  let list: Page;
  let detail: Page;
  let rest: ReturnType<typeof api>;
  const seeded: Record<'completed' | 'failed', string> = { completed: '', failed: '' };
  let started = '';

  beforeAll(async () => {
    const t0 = Date.now();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'baton-oc-ui-'));
    const port = await freePort();
    const simulatorPort = await freePort();
    simulator = `http://127.0.0.1:${simulatorPort}`;
    baton = await startServiceProcess({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      RUNNER_SIMULATOR: 'on',
      SIMULATOR_PORT: String(simulatorPort),
      TIMER_POLL_MS: '200',
    });
    step(`Baton up at ${baton.url} (${Date.now() - t0} ms)`);
    const uiPort = await freePort();
    proxy = await startAuthProxy({
      baton: new URL(baton.url),
      ui: new URL(`http://127.0.0.1:${uiPort}`),
      apiKey: TEST_KEYS.operator,
    });
    // The addresses the browser uses: the proxy's, which is the UI's own origin.
    next = await startNextServer(uiPort, {
      ORCHESTRATOR_API_HOST: proxy.url,
      ORCHESTRATOR_API_PATH: '/oc/api',
      ORCHESTRATOR_GRAPHQL_HOST: proxy.url,
      ORCHESTRATOR_GRAPHQL_PATH: '/oc/api/graphql',
      ORCHESTRATOR_WEBSOCKET_URL: `${proxy.url.replace(/^http/, 'ws')}/oc/api/ws/events`,
      USE_WEB_SOCKETS: 'true',
      ENVIRONMENT_NAME: 'Baton test',
    });
    step(
      `orchestrator-ui up at ${next.url}, behind the proxy at ${proxy.url} (${Date.now() - t0} ms)`,
    );

    // Processes in other states, made through Baton's own API, for the list to show.
    rest = api(baton.url);
    const run = async () => {
      const { status, body } = await rest.start('create_l2vpn', L2VPN_INPUT);
      if (status !== 201) throw new Error(`seeding: start answered ${status}`);
      return body.id as string;
    };
    seeded.completed = await run();
    const shown = await rest.waitFor(seeded.completed, (d) => d.status === 'suspended', 60_000);
    await rest.resume(seeded.completed, shown.form.values);
    await rest.waitFor(seeded.completed, (d) => d.status === 'completed', 60_000);
    await setSimulatorFailing(true);
    seeded.failed = await run();
    await rest.waitFor(seeded.failed, (d) => d.status === 'failed', 60_000);
    await setSimulatorFailing(false);
    step(`seeded a completed and a failed create_l2vpn (${Date.now() - t0} ms)`);

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await next?.stop();
    await proxy?.close();
    await baton?.kill('SIGTERM'); // a graceful stop also stops its PostgreSQL
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const setSimulatorFailing = async (fail: boolean) => {
    const answer = await fetch(`${simulator}/simulator/mode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fail }),
    });
    if (!answer.ok) throw new Error(`simulator mode: ${answer.status}`);
  };

  const openPage = async (pathAndQuery: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => console.warn(`oc-ui page error: ${error.message}`));
    await page.goto(`${proxy.url}${pathAndQuery}`);
    return page;
  };

  /** Waits for a link to the process's detail page in the list, with the status in its row. */
  const rowOf = (page: Page, id: string) =>
    page.locator('tr', { has: page.locator(`a[href="/workflows/${id}"]`) });
  const expectRow = async (page: Page, id: string, status: string) => {
    const row = rowOf(page, id);
    await row.waitFor({ timeout: UI_WAIT_MS }).catch(() => {
      throw new Error(`the list shows no row for process ${id} (expected ${status})`);
    });
    await row
      .getByText(status, { exact: true })
      .waitFor({ timeout: UI_WAIT_MS })
      .catch(async () => {
        throw new Error(`the row of ${id} says "${await row.innerText()}", not ${status}`);
      });
  };

  it('lists Baton’s processes with their statuses (active and completed tabs)', async () => {
    list = await openPage('/workflows?activeTab=COMPLETED');
    await expectRow(list, seeded.completed, 'completed');
    await list.getByText('Engine is RUNNING').waitFor({ timeout: UI_WAIT_MS });
    // The header would carry this badge if the reported orchestrator-core version were too old
    // (asked once the page's queries have settled, the version query among them).
    await list.waitForLoadState('networkidle');
    // The badge is always in the page, hidden (display: none) while the versions are compatible.
    const badge = list.getByText('Incompatible version');
    expect(await badge.count()).toBe(1);
    expect(await badge.isVisible()).toBe(false);
    await screenshot(list, 'oc-ui-1-completed-list');
    await list.goto(`${proxy.url}/workflows`);
    await expectRow(list, seeded.failed, 'failed');
    await screenshot(list, 'oc-ui-2-active-list');
    expect(await rowOf(list, seeded.completed).count()).toBe(0); // completed is not active
    // From here on this page is never reloaded: what changes on it came over the websocket.
    await list.evaluate(() => (window.__notReloaded = true));
    step('process list shows the seeded processes with their statuses');
  });

  it('starts create_l2vpn from the UI’s start page, which runs to suspended', async () => {
    detail = await openPage('/workflows/new/create_l2vpn');
    const field = (name: string) => detail.locator(`[data-testid="${name}"]`);
    await field('customer').waitFor({ timeout: UI_WAIT_MS });
    // The form renders more than once while its queries settle, and a render can clear what was
    // typed before it: type, then check that the value stayed.
    const answers: Record<string, string> = {
      customer: 'Globex',
      vlan: '321',
      site_a: 'ams-r1',
      interface_a: 'xe-0/0/3',
      site_b: 'lon-r2',
      interface_b: 'xe-0/0/4',
    };
    for (let attempt = 1; ; attempt++) {
      for (const [name, value] of Object.entries(answers))
        if ((await field(name).inputValue()) !== value) await field(name).fill(value);
      await detail.waitForTimeout(500);
      const kept = await Promise.all(
        Object.entries(answers).map(
          async ([name, value]) => (await field(name).inputValue()) === value,
        ),
      );
      if (kept.every(Boolean)) break;
      if (attempt === 10) throw new Error('the start form kept clearing the values typed into it');
    }
    await screenshot(detail, 'oc-ui-3-start-form');
    const startAnswer = detail.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/oc/api/processes/create_l2vpn'),
      { timeout: UI_WAIT_MS },
    );
    await detail.locator('#button-submit-form-submit').click();
    const answer = await startAnswer;
    if (answer.status() !== 201)
      throw new Error(`starting answered ${answer.status()}: ${await answer.text()}`);
    await detail.waitForURL(/\/workflows\/[0-9a-f-]{36}$/, { timeout: UI_WAIT_MS });
    started = detail.url().split('/').pop()!;
    step(`the UI started process ${started}`);
    const suspended = await rest.waitFor(started, (d) => d.status === 'suspended', 60_000);
    expect(suspended.workflow).toBe('create_l2vpn');
    expect(suspended.state).toMatchObject({ customer: 'Globex', vlan: 321 });
  });

  it('shows the confirmation form with run_status and run_results', async () => {
    await detail.getByText('Execution for L2VPN completed.').waitFor({ timeout: UI_WAIT_MS });
    const runStatus = detail.locator('[data-testid="run_status"]');
    const runResults = detail.locator('[data-testid="run_results"]');
    await runStatus.waitFor({ timeout: UI_WAIT_MS });
    await runResults.waitFor({ timeout: UI_WAIT_MS });
    expect(await runStatus.inputValue()).toBe('successful');
    expect(await runResults.inputValue()).toContain('PLAY RECAP');
    await screenshot(detail, 'oc-ui-4-confirmation-form');
    step('the detail page shows the confirmation form');
  });

  it('refreshed the list without a reload when the new process appeared (websocket)', async () => {
    await expectRow(list, started, 'suspended');
    expect(await list.evaluate(() => window.__notReloaded)).toBe(true);
    expect(
      proxy.toBaton.filter((r) => r.startsWith('UPGRADE /oc/api/ws/events')).length,
    ).toBeGreaterThan(0);
    await screenshot(list, 'oc-ui-5-list-live');
  });

  it('completes the process when the form is submitted, and the list follows', async () => {
    await detail.locator('#button-submit-form-submit').click();
    const completed = await rest.waitFor(started, (d) => d.status === 'completed', 60_000);
    expect(completed.state).toMatchObject({
      subscription: expect.objectContaining({ status: 'active' }),
    });
    await detail
      .getByText(/^completed$/i)
      .first()
      .waitFor({ timeout: UI_WAIT_MS });
    await screenshot(detail, 'oc-ui-6-completed-detail');
    // Completed processes leave the active tab: the list drops the row, still without a reload.
    await rowOf(list, started).waitFor({ state: 'detached', timeout: UI_WAIT_MS });
    expect(await list.evaluate(() => window.__notReloaded)).toBe(true);
    await screenshot(list, 'oc-ui-7-list-after-completion');
    step('the process completed and the active list dropped it');
  });
  it('retries a failed process and aborts it from its detail page', async () => {
    const page = await openPage(`/workflows/${seeded.failed}`);
    // The buttons' names include their icons' titles: find them by their visible text.
    const button = (text: string) => page.locator('button', { hasText: text }).first();
    await page
      .getByText(/^failed$/i)
      .first()
      .waitFor({ timeout: UI_WAIT_MS });
    await button('Retry').click();
    await page.locator('#dialog-confirm').click();
    // The simulator succeeds now: the callback step runs again and the process waits for its form.
    await rest.waitFor(seeded.failed, (d) => d.status === 'suspended', 60_000);
    await page.getByText('Execution for L2VPN completed.').waitFor({ timeout: UI_WAIT_MS });
    await button('Abort').click();
    await page.locator('#dialog-confirm').click();
    await rest.waitFor(seeded.failed, (d) => d.status === 'aborted', 60_000);
    // After an abort the UI leaves the detail page for the process list; it is listed as
    // aborted under Completed.
    await page.waitForURL(/\/workflows(\?|$)/, { timeout: UI_WAIT_MS });
    await page.goto(`${proxy.url}/workflows?activeTab=COMPLETED`);
    await expectRow(page, seeded.failed, 'aborted');
    await screenshot(page, 'oc-ui-8-retried-then-aborted');
    step('retry and abort work from the detail page');
  });
});
