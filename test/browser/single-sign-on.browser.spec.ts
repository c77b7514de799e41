/**
 * Single sign-on in the operator UI, in a real Chromium, against a real OpenID provider
 * (oidc-provider from npm, with its own login form) and the real app on PostgreSQL. Nothing
 * leaves this machine: every request to another host is refused by the browser context.
 *
 * Groups in the provider's tokens become Baton roles through the app's role map, as a Keycloak
 * group mapper and OIDC_ROLE_MAP would do it.
 */
import { Page } from 'playwright-core';
import { api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { screenshot, seriousA11yViolations } from '../support/browser';
import { SsoApp, startSsoApp } from '../support/sso-app';

// Runs inside the page (page.evaluate); the test's own TypeScript has no DOM library.
declare const window: any, document: any;

jest.setTimeout(300_000);
const WAIT = { timeout: 30_000 };
const EXPIRING_TTL_S = 10;

describe('operator UI single sign-on (Chromium, oidc-provider)', () => {
  let sso: SsoApp;
  let t: SsoApp['t'];
  beforeAll(async () => {
    sso = await startSsoApp({
      olivia: { groups: ['/baton/operators', '/teams/a'] },
      audrey: { groups: ['/baton/auditors'] },
      eve: { groups: ['/baton/operators', '/teams/b'], accessTokenTtl: EXPIRING_TTL_S },
      rita: { groups: ['/baton/operators'], accessTokenTtl: EXPIRING_TTL_S, refreshTokens: true },
    });
    t = sso.t;
  });
  afterAll(() => sso?.close());

  const newPage = () => sso.newPage();
  const providerButton = (page: Page) => sso.providerButton(page);
  const signInAtProvider = (page: Page, login: string, shot?: string) =>
    sso.signInAtProvider(page, login, shot);
  const storedSession = (page: Page) => sso.storedSession(page);

  const startAndSuspend = async (workflowName: string) => {
    const { status, body } = await api(t.url).start(workflowName, {});
    expect(status).toBe(201);
    await api(t.url).waitFor(body.id, (d) => d.status === 'suspended');
    return body.id as string;
  };

  const status = (page: Page, text: string) =>
    page.locator('.head-status .badge', { hasText: new RegExp(`^${text}$`) }).waitFor(WAIT);

  const me = (token: string) =>
    call('GET', `${t.url}/api/me`, undefined, { authorization: `Bearer ${token}` }, { key: null });

  let teamA: string;
  let teamB: string;

  it('lets an operator of team A sign in at the provider, confirm team A’s step, abort, see team B’s step as not theirs, and sign out', async () => {
    teamA = await startAndSuspend('confirm_team_a');
    teamB = await startAndSuspend('confirm_team_b');
    const toAbort = await startAndSuspend('confirm_team_b');
    const page = await newPage();
    const apiAuth: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/processes'))
        apiAuth.push(r.headers().authorization ?? '');
    });

    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await signInAtProvider(page, 'olivia', 'oidc-provider-login-page');
    apiAuth.length = 0; // before signing in, the page learnt from a 401 that it must
    await page.getByRole('heading', { name: 'Processes' }).waitFor(WAIT);
    const header = page.locator('header .identity');
    await header.getByText('Signed in as olivia').waitFor(WAIT);
    expect(await header.innerText()).toContain('(operator, team-a)');
    for (const id of [teamA, teamB, toAbort])
      await page.locator(`tr[data-process-id="${id}"]`).waitFor(WAIT);
    await screenshot(page, 'oidc-signed-in-header');
    // Signed in, the API is called with the provider's access token (a JWT), never without.
    expect(apiAuth.length).toBeGreaterThan(0);
    for (const auth of apiAuth) expect(auth).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);

    // Team B's step: shown, but not theirs to confirm, and why.
    await page.locator(`tr[data-process-id="${teamB}"] a`).click();
    await page.getByRole('heading', { name: 'Confirm the change for team B' }).waitFor(WAIT);
    const confirm = page.getByRole('button', { name: 'Confirm', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await page
      .getByText(
        'Assigned to Team B: only team-b may confirm this step (your roles: operator, team-a).',
      )
      .waitFor(WAIT);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'oidc-step-of-another-team');

    // Team A's step: confirmed through the page.
    await page.goto(`${t.url}/processes/${teamA}`);
    await page.getByRole('heading', { name: 'Confirm the change for team A' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await status(page, 'completed');
    const confirmed = (await api(t.url).events(teamA)).body.find(
      (e: { type: string }) => e.type === 'ConfirmationGiven',
    );
    expect(confirmed).toMatchObject({ data: { by: 'olivia' }, metadata: { actor: 'olivia' } });

    // Abort, with a reason, after the browser's confirmation dialog.
    await page.goto(`${t.url}/processes/${toAbort}`);
    await status(page, 'suspended');
    await page.getByLabel('Reason for aborting').fill('change window closed');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Abort', exact: true }).click();
    await status(page, 'aborted');
    const aborted = (await api(t.url).events(toAbort)).body.find(
      (e: { type: string }) => e.type === 'ProcessAborted',
    );
    expect(aborted).toMatchObject({ data: { by: 'olivia', reason: 'change window closed' } });

    // Sign-out ends the session here and at the provider.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${t.url}/signed-out`, WAIT);
    await page.getByText('You have signed out.').waitFor(WAIT);
    expect(await storedSession(page)).toBeNull();
    // Signing in again asks for the login again: the provider's session is gone too.
    await providerButton(page).click();
    await page.locator('input[name="login"]').waitFor(WAIT);
  });

  it('lets an auditor read the audit trail, keeps the address through sign-in, and shows acting as not allowed', async () => {
    const page = await newPage();
    await page.goto(`${t.url}/processes/${teamA}/audit`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await signInAtProvider(page, 'audrey');
    expect(page.url()).toBe(`${t.url}/processes/${teamA}/audit`);
    await page.getByRole('heading', { name: /Audit trail/ }).waitFor(WAIT);
    await page.getByText('ConfirmationGiven').waitFor(WAIT);
    await page.getByText('Hash chain intact').waitFor(WAIT);
    expect(await page.locator('header .identity').innerText()).toContain(
      'Signed in as audrey (auditor)',
    );

    await page.goto(`${t.url}/processes/${teamB}`);
    await page.getByRole('heading', { name: 'Confirm the change for team B' }).waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Confirm', exact: true }).isDisabled()).toBe(
      true,
    );
    expect(await page.getByRole('button', { name: 'Abort', exact: true }).isDisabled()).toBe(true);
    await page.getByText('Needs the operator role (your roles: auditor).').first().waitFor(WAIT);
    // The API agrees with what the page shows.
    const session = await storedSession(page);
    const refused = await call(
      'PUT',
      `${t.url}/api/processes/${teamB}/abort`,
      {},
      { authorization: `Bearer ${session!.accessToken}` },
      { key: null },
    );
    expect(refused.status).toBe(403);
  });

  it('sends the operator to sign in again, at the same address, when the token expires', async () => {
    const page = await newPage();
    await page.goto(`${t.url}/processes/${teamB}`);
    await signInAtProvider(page, 'eve');
    expect(page.url()).toBe(`${t.url}/processes/${teamB}`);
    await page.getByRole('heading', { name: 'Confirm the change for team B' }).waitFor(WAIT);
    const session = await storedSession(page);
    expect(session?.refreshToken).toBeUndefined();

    // Before the token runs out the page asks for a new sign-in instead of failing requests.
    // (The time is taken inside the page, when the message appears, not when the test polls.)
    const shownAt = await page.waitForFunction(
      (text) => (document.body.innerText.includes(text) ? Date.now() : 0),
      'Your sign-in has expired.',
      { timeout: EXPIRING_TTL_S * 3000 },
    );
    expect(await shownAt.jsonValue()).toBeLessThan(session!.expiresAt);
    expect(page.url()).toBe(`${t.url}/processes/${teamB}`);
    expect(await storedSession(page)).toBeNull();
    // …and the API indeed refuses the token once it has expired.
    await new Promise((r) => setTimeout(r, Math.max(0, session!.expiresAt - Date.now()) + 1500));
    expect((await me(session!.accessToken)).status).toBe(401);

    // The provider still knows eve: signing in again needs no form and returns to the page.
    await providerButton(page).click();
    await page.waitForURL(`${t.url}/processes/${teamB}`, WAIT);
    await page.getByRole('heading', { name: 'Confirm the change for team B' }).waitFor(WAIT);
    await page.locator('header .identity').getByText('Signed in as eve').waitFor(WAIT);
  });

  it('renews the access token with the refresh token before it expires', async () => {
    const page = await newPage();
    await page.goto(`${t.url}/`);
    await signInAtProvider(page, 'rita');
    await page.locator('header .identity').getByText('Signed in as rita').waitFor(WAIT);
    const first = await storedSession(page);
    expect(first?.refreshToken).toBeTruthy();
    await page.waitForFunction(
      (old) => {
        const now = JSON.parse(window.sessionStorage.getItem('baton.oidc') ?? 'null');
        return now !== null && now.accessToken !== old;
      },
      first!.accessToken,
      { timeout: EXPIRING_TTL_S * 3000 },
    );
    // Past the first token's expiry: still signed in, with a token the API accepts.
    await new Promise((r) => setTimeout(r, Math.max(0, first!.expiresAt - Date.now()) + 1000));
    expect(await page.getByRole('heading', { name: 'Processes' }).isVisible()).toBe(true);
    const renewed = await storedSession(page);
    expect((await me(first!.accessToken)).status).toBe(401);
    expect(await me(renewed!.accessToken)).toMatchObject({
      status: 200,
      body: { name: 'rita', roles: ['operator'] },
    });
  });

  it('leads back to sign-in, at the same address, when the API revokes an API key mid-session', async () => {
    const page = await newPage();
    await page.addInitScript(
      (key) => window.sessionStorage.setItem('baton.apiKey', key),
      TEST_KEYS.operator,
    );
    await page.goto(`${t.url}/processes/${teamA}`);
    await status(page, 'completed');
    // From now on the API refuses the key, as after its removal from API_KEYS.
    await page.route('**/api/**', (route) =>
      route.request().headers().authorization === `Bearer ${TEST_KEYS.operator}`
        ? route.fulfill({
            status: 401,
            contentType: 'application/json',
            body: '{"statusCode":401,"message":"Authentication required"}',
          })
        : route.continue(),
    );
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByText('Your credential is no longer accepted').waitFor(WAIT);
    expect(page.url()).toBe(`${t.url}/processes/${teamA}/audit`);
    await page.unrouteAll();
    await page.getByText('Use an API key instead').click();
    await page.getByLabel('API key').fill(TEST_KEYS.auditor);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('ConfirmationGiven').waitFor(WAIT);
    expect(page.url()).toBe(`${t.url}/processes/${teamA}/audit`);
  });

  it('refetches the list at most once per interval however many events the feed brings', async () => {
    const page = await newPage();
    await page.addInitScript(
      (key) => window.sessionStorage.setItem('baton.apiKey', key),
      TEST_KEYS.auditor,
    );
    await startAndSuspend('confirm_team_a'); // a list with a row, should this test run alone
    let listFetches = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/processes') listFetches++;
    });
    const assets: Array<Promise<{ name: string; bytes: number }>> = [];
    page.on('response', (r) => {
      const { pathname } = new URL(r.url());
      if (pathname === '/' || pathname.startsWith('/assets/'))
        assets.push(r.body().then((b) => ({ name: pathname, bytes: b.length })));
    });
    await page.goto(`${t.url}/`);
    await page.locator('tbody tr').first().waitFor(WAIT);
    await page.waitForTimeout(500); // the feed is open
    // The list page loads its own code only: under 300 kB, without the forms or the OIDC client.
    const loaded = await Promise.all(assets);
    const total = loaded.reduce((sum, a) => sum + a.bytes, 0);
    console.info(
      `list page initial load: ${loaded.map((a) => `${a.name} ${a.bytes} B`).join(', ')}; total ${total} B`,
    );
    expect(total).toBeLessThan(300_000);
    expect(loaded.map((a) => a.name).join(' ')).not.toMatch(/SchemaForm|oidc-client/);
    const before = (await call('GET', `${t.url}/health`)).body.headPosition as number;
    listFetches = 0;
    const began = Date.now();
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        startAndSuspend(i % 2 ? 'confirm_team_a' : 'confirm_team_b'),
      ),
    );
    for (const id of ids) await page.locator(`tr[data-process-id="${id}"]`).waitFor(WAIT);
    await page.waitForTimeout(2500); // room for a trailing refetch
    const elapsed = Date.now() - began;
    const feed = await call('GET', `${t.url}/api/events?after=${before}&limit=500`);
    const eventCount = (feed.body.events as unknown[]).length;
    expect(eventCount).toBeGreaterThanOrEqual(18); // 6 × started, prepared, input requested
    // One at the first event, then at most one per 2 s: far fewer than the events.
    expect(listFetches).toBeGreaterThan(0);
    expect(listFetches).toBeLessThanOrEqual(2 + Math.ceil(elapsed / 2000));
    expect(listFetches).toBeLessThan(eventCount / 2);
    console.info(
      `list refetches: ${listFetches} for ${eventCount} feed events in ${elapsed} ms (at most one per 2 s)`,
    );
  });
});
