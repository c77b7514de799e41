/**
 * The Webhooks page in a real Chromium: an admin subscribes a receiver (the secret Baton makes
 * is shown once), sees where the subscription stands, pauses and resumes it; no serious
 * accessibility finding.
 */
import { rmSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { serveUi } from '../../src/interfaces/web/serve-ui';
import { call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { buildUi, launchChromium, seriousA11yViolations } from '../support/browser';
import { TestApp, startTestApp } from '../support/test-app';

declare const window: any;

jest.setTimeout(240_000);
const WAIT = { timeout: 30_000 };

describe('Webhooks page (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let uiDir: string | undefined;

  beforeAll(async () => {
    const builtUi = (uiDir = buildUi());
    t = await startTestApp({ configure: (app) => serveUi(app, builtUi) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(
      (key) => (window as any).sessionStorage.setItem('baton.apiKey', key),
      TEST_KEYS.admin,
    );
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  it('subscribes, shows the secret once, pauses and resumes', async () => {
    await page.goto(`${t.url}/`);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByText('No webhook subscriptions.').waitFor(WAIT);
    await page.getByLabel('Receiver URL').fill('http://127.0.0.1:9/hooks/cmdb');
    await page.getByLabel('Event types').fill('ProcessCompleted, ProcessAborted');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const secret = await page.locator('code', { hasText: /^whsec_/ }).textContent(WAIT);
    const row = page.locator('tr', { hasText: 'http://127.0.0.1:9/hooks/cmdb' });
    await row.getByText('ProcessCompleted, ProcessAborted').waitFor(WAIT);
    await row.locator('.badge', { hasText: 'active' }).waitFor(WAIT);
    const [hook] = (await call('GET', `${t.url}/api/webhooks`)).body;
    expect(JSON.stringify(hook)).not.toContain(secret as string);

    await row.getByRole('button', { name: 'Pause' }).click();
    await row.locator('.badge', { hasText: 'paused' }).waitFor(WAIT);
    await page.getByText('Paused: paused by an operator').waitFor(WAIT);
    expect((await call('GET', `${t.url}/api/webhooks/${hook.id}`)).body.status).toBe('paused');
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.locator('.badge', { hasText: 'active' }).waitFor(WAIT);
    expect((await call('GET', `${t.url}/api/webhooks/${hook.id}`)).body.status).toBe('active');

    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});
