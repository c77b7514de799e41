/**
 * The operator UI in a real Chromium, against the real app on PostgreSQL: the seed scenario
 * through the UI alone. The test plays the Ansible runner (LSO's progress and callback payloads,
 * with the bundled simulator's lines) at moments it chooses, so what the page must show live is
 * checked without timing luck.
 */
import { rmSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { simulatedRunEvents } from '../../src/runner-simulator/simulated-playbook-run';
import { UI_CSP, serveUi } from '../../src/interfaces/web/serve-ui';
import { api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import {
  buildUi,
  fitsViewport,
  launchChromium,
  screenshot,
  seriousA11yViolations,
} from '../support/browser';
import { PgFixture, startPgTestApp } from '../support/pg-app';
import { TestApp } from '../support/test-app';

// Runs inside the page (page.evaluate); the test's own TypeScript has no DOM library.
declare const window: any, getComputedStyle: any;

jest.setTimeout(240_000);
const WAIT = { timeout: 30_000 };
const HOSTS = ['ams-r1', 'lon-r2'];

describe('operator UI (Chromium)', () => {
  let t: TestApp & { pg: PgFixture };
  let browser: Browser;
  let page: Page;
  let uiDir: string | undefined;

  beforeAll(async () => {
    const builtUi = (uiDir = buildUi());
    t = await startPgTestApp({ configure: (app) => serveUi(app, builtUi) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });
  /** A page signed in as the test admin, as the sign-in form would leave it. */
  const signedInPage = async () => {
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await fresh.addInitScript(
      (key) => (window as any).sessionStorage.setItem('baton.apiKey', key),
      TEST_KEYS.admin,
    );
    return fresh;
  };
  beforeEach(async () => {
    page = await signedInPage();
  });
  afterEach(async () => page?.close());

  /** The runner's side of the n-th playbook request: its progress and callback URLs. */
  const runner = async (n: number) => {
    const callback = await t.remote.callbackUrl(n, 30_000);
    return { callback, progress: String(t.remote.requests[n - 1].body.progress) };
  };
  const status = (text: string) =>
    page.locator('.head-status .badge', { hasText: new RegExp(`^${text}$`) }).waitFor(WAIT);
  /** Set once; still there later only if the page was never reloaded. */
  const markDocument = () => page.evaluate(() => ((window as any).__sameDocument = true));
  const sameDocument = () => page.evaluate(() => (window as any).__sameDocument === true);
  const expectAccessible = async (what: string) => {
    const violations = await seriousA11yViolations(page);
    expect({ what, violations }).toEqual({ what, violations: [] });
  };

  const startFromForm = async (vlan: string) => {
    await page.goto(`${t.url}/`);
    await page.getByRole('link', { name: 'Start a workflow' }).first().click();
    await page.getByRole('link', { name: /create_l2vpn/ }).click();
    const field = (name: string) => page.locator(`input[id$="${name}"]`);
    await field('customer').waitFor(WAIT);
    for (const [name, value] of Object.entries({
      customer: 'ACME',
      site_a: 'ams-r1',
      interface_a: 'xe-0/0/1',
      site_b: 'lon-r2',
      interface_b: 'xe-0/0/2',
    }))
      await field(name).fill(value);
    await field('vlan').fill(vlan);
    await page.getByRole('button', { name: 'Start' }).click();
  };

  it('runs create_l2vpn from the start form to completed, live, with a confirmation', async () => {
    await page.goto(`${t.url}/`);
    await page.getByText('No processes match').waitFor(WAIT); // the empty state
    await startFromForm('99999');
    // Validation errors next to the field, and nothing started
    const vlanGroup = page.locator('.form-group', { has: page.locator('input[id$="vlan"]') });
    await vlanGroup.locator('.error-detail').waitFor(WAIT);
    expect(await vlanGroup.locator('.error-detail').innerText()).toMatch(/4094/);
    expect(t.remote.requests).toHaveLength(0);
    await expectAccessible('start page with errors');

    await page.locator('input[id$="vlan"]').fill('100');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/\/processes\/[0-9a-f-]+$/, WAIT);
    await markDocument();
    await status('awaiting callback');
    const { callback, progress } = await runner(1);
    await page.getByText('Waiting for the runner to call back.').waitFor(WAIT);

    // Progress lines appear as they arrive, without reload
    const events = simulatedRunEvents('playbook.yml', HOSTS, false);
    const progressBlock = page.locator('pre.progress');
    await call('POST', progress, { progress: events[0] });
    await progressBlock.getByText('PLAY [playbook.yml]').waitFor(WAIT);
    expect(await progressBlock.innerText()).not.toContain('ok: [ams-r1]');
    for (const lines of events.slice(1)) await call('POST', progress, { progress: lines });
    await progressBlock.getByText('PLAY RECAP').waitFor(WAIT);

    // The runner calls back: the result and the confirmation form appear, still without reload
    const payload = {
      status: 'successful',
      job_id: 'job-1',
      output: events.flat(),
      return_code: 0,
    };
    expect((await call('POST', callback, payload)).status).toBe(200);
    await status('suspended');
    await page.getByRole('heading', { name: 'Execution for L2VPN completed.' }).waitFor(WAIT);
    await page.locator('pre.output', { hasText: 'changed: [lon-r2]' }).waitFor(WAIT);
    expect(await sameDocument()).toBe(true);
    // read-only fields: the status is a read-only input, the results a scrollable block
    expect(await page.locator('input[id$="run_status"]').getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('input[id$="run_status"]').inputValue()).toBe('successful');
    const results = page.locator('pre.long-text');
    expect(await results.innerText()).toContain('"return_code": 0');
    expect(await results.evaluate((el) => getComputedStyle(el).overflowY)).toBe('auto');
    await expectAccessible('process page awaiting confirmation');
    await screenshot(page, 'process-awaiting-confirmation');

    // A refused confirmation is shown in the page, not swallowed
    await page.route('**/resume', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({
          statusCode: 409,
          error: 'Conflict',
          message: 'Process is not suspended',
        }),
      }),
    );
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('alert').filter({ hasText: 'Process is not suspended' }).waitFor(WAIT);
    await page.unrouteAll();

    await page.getByRole('button', { name: 'Confirm' }).click();
    await status('completed');
    await page
      .locator('.flow-step.step-completed', { hasText: 'Set subscription status to active' })
      .waitFor(WAIT);
    expect(await sameDocument()).toBe(true);
    await screenshot(page, 'process-completed');

    // The audit trail shows the confirmation
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByText('ConfirmationGiven').waitFor(WAIT);
    await page.getByText('Hash chain intact').waitFor(WAIT);

    await page.goto(`${t.url}/`);
    await page.locator('tbody tr .badge', { hasText: 'completed' }).waitFor(WAIT);
    await expectAccessible('process list');
    await screenshot(page, 'process-list');
  });

  it('shows the failed reason; Retry brings the process back to the confirmation', async () => {
    const before = t.remote.requests.length;
    await startFromForm('200');
    await page.waitForURL(/\/processes\/[0-9a-f-]+$/, WAIT);
    await status('awaiting callback');
    const failed = await runner(before + 1);
    const lines = simulatedRunEvents('playbook.yml', HOSTS, true).flat();
    await call('POST', failed.callback, {
      status: 'failed',
      job_id: 'j2',
      output: lines,
      return_code: 2,
    });
    await page.getByRole('heading', { name: 'Failed: Callback failure' }).waitFor(WAIT);
    await page.locator('.failure pre', { hasText: '"return_code": 2' }).waitFor(WAIT);
    await status('failed');
    await expectAccessible('failed process page');

    await page.getByRole('button', { name: 'Retry' }).click();
    const retried = await runner(before + 2);
    expect(retried.callback).not.toBe(failed.callback);
    await status('awaiting callback');
    const ok = simulatedRunEvents('playbook.yml', HOSTS, false).flat();
    await call('POST', retried.callback, {
      status: 'successful',
      job_id: 'j3',
      output: ok,
      return_code: 0,
    });
    await status('suspended');
    await page.getByRole('button', { name: 'Confirm' }).waitFor(WAIT);
    // The refused token from before is listed as revoked, the new one as received
    await page.locator('.callback .badge', { hasText: 'revoked' }).waitFor(WAIT);
  });

  it('updates the process list without reload when processes start elsewhere', async () => {
    const feed: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/events?')) feed.push(r.headers().accept ?? '');
    });
    await page.goto(`${t.url}/?status=awaiting_callback`);
    await page
      .locator('.chip[aria-pressed="true"]', { hasText: 'awaiting callback' })
      .waitFor(WAIT);
    await markDocument();
    const { body } = await api(t.url).start('create_l2vpn', {
      customer: 'Live',
      vlan: 300,
      site_a: 'a',
      interface_a: 'xe-0/0/5',
      site_b: 'b',
      interface_b: 'xe-0/0/6',
    });
    await page.locator(`tr[data-process-id="${body.id}"]`).waitFor(WAIT);
    expect(await sameDocument()).toBe(true);
    // The page followed the service's event feed (server-sent events), not a poll
    expect(feed).toContain('text/event-stream');
  });

  it('asks for an API key when the API answers 401 and sends it as a Bearer token', async () => {
    // A page that has not signed in yet. The API accepts alice's key here (sent on to the app
    // as the test admin's), and nothing else.
    await page.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen: string[] = [];
    await page.route('**/api/**', async (route) => {
      const auth = route.request().headers().authorization ?? '';
      seen.push(auth);
      if (auth !== 'Bearer key-of-alice')
        return route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: '{"statusCode":401,"message":"Unauthorized"}',
        });
      if (route.request().url().endsWith('/api/me'))
        return route.fulfill({
          contentType: 'application/json',
          body: '{"name":"alice","roles":["operator"]}',
        });
      return route.continue({
        headers: { ...route.request().headers(), authorization: `Bearer ${TEST_KEYS.admin}` },
      });
    });
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await page.getByLabel('API key').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was not accepted.').waitFor(WAIT);
    await page.getByLabel('API key').fill('key-of-alice');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Processes' }).waitFor(WAIT);
    await page.getByText('Signed in as alice').waitFor(WAIT);
    expect(seen).toContain('Bearer key-of-alice');
    expect(await page.evaluate(() => (window as any).sessionStorage.getItem('baton.apiKey'))).toBe(
      'key-of-alice',
    );
    await page.unrouteAll();
  });

  it('works at 390×844 with no serious accessibility finding on list, start and process pages', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const { body: items } = await call('GET', `${t.url}/api/processes?limit=1`);
    const id = items.items[0].processId;
    for (const [name, path, ready] of [
      ['list', '/', 'tbody tr'],
      ['start', '/start/create_l2vpn', 'input[id$="customer"]'],
      ['process', `/processes/${id}`, '.flow'],
    ] as const) {
      // Each is a deep link answered with the UI, under the UI's CSP, which Chromium enforces
      // (the forms' validator compiles schemas at run time)
      const response = await page.goto(`${t.url}${path}`);
      expect(response?.headers()['content-security-policy']).toBe(UI_CSP);
      await page.locator(ready).first().waitFor(WAIT);
      expect({ name, fits: await fitsViewport(page) }).toEqual({ name, fits: true });
      await expectAccessible(`${name} page at 390×844`);
      await screenshot(page, `mobile-${name}`);
    }
    // deep links are served by the UI, API paths stay the API's
    expect((await call('GET', `${t.url}/api/nope`)).status).toBe(404);
  });
});
