/**
 * The app on PostgreSQL serving the operator UI, a real OpenID provider (oidc-provider) whose
 * groups the app maps to roles, and Chromium profiles that may reach this machine only: what
 * the single sign-on browser test drives.
 */
import { rmSync } from 'node:fs';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { DEFAULT_OIDC_ALGORITHMS } from '../../src/domain/access/oidc-settings';
import { parseRoleMap } from '../../src/domain/access/role-map';
import { inputStep, step, workflow } from '../../src/domain/workflow/dsl';
import { providerOrigins, serveUi } from '../../src/interfaces/web/serve-ui';
import { buildWorkflowRegistry } from './l2vpn-registry';
import { ConfirmRunPage } from '../../examples/l2vpn/src/create-l2vpn.forms';
import { TEST_API_KEYS } from './auth';
import { buildUi, launchChromium, screenshot } from './browser';
import { ProviderAccount, startTestProvider, TestProvider } from './oidc-provider';
import { PgFixture, startPgTestApp } from './pg-app';
import { TestApp } from './test-app';

// Runs inside the page (page.evaluate); the test's own TypeScript has no DOM library.
declare const window: any;

const WAIT = { timeout: 30_000 };
const CLIENT_ID = 'baton-ui';
const AUDIENCE = 'urn:baton:api';
/** As OIDC_ROLE_MAP would say it for Keycloak group paths. */
export const SSO_ROLE_MAP =
  '/baton/operators=operator, /baton/auditors=auditor, /teams/a=team-a, /teams/b=team-b';

/** A confirmation only one team (or an admin) may give. */
const teamConfirm = (team: 'a' | 'b') =>
  workflow({
    name: `confirm_team_${team}`,
    description: `Change confirmed by team ${team.toUpperCase()}`,
    target: 'SYSTEM',
    steps: [
      step('prepare', () => ({ run_status: 'ok', run_results: `prepared for team ${team}` })),
      inputStep(
        `Team ${team.toUpperCase()} confirms`,
        { assignee: `Team ${team.toUpperCase()}`, roles: [`team-${team}`] },
        (state) => ({
          title: `Confirm the change for team ${team.toUpperCase()}`,
          form: ConfirmRunPage,
          values: { run_status: String(state.run_status), run_results: String(state.run_results) },
        }),
      ),
    ],
  });

export interface StoredOidcSession {
  accessToken: string;
  expiresAt: number;
  refreshToken?: string;
}

export interface SsoApp {
  t: TestApp & { pg: PgFixture };
  provider: TestProvider;
  /** A fresh browser profile (no provider session) that may reach this machine only. */
  newPage(): Promise<Page>;
  /** The sign-in page's button that leaves for the provider. */
  providerButton(page: Page): ReturnType<Page['getByRole']>;
  /** Through the provider's own login form (any password: it is the provider's dev form). */
  signInAtProvider(page: Page, login: string, screenshotName?: string): Promise<void>;
  /** The tokens the UI keeps for the tab, or null. */
  storedSession(page: Page): Promise<StoredOidcSession | null>;
  close(): Promise<void>;
}

export const startSsoApp = async (accounts: Record<string, ProviderAccount>): Promise<SsoApp> => {
  const provider = await startTestProvider();
  const contexts: BrowserContext[] = [];
  let browser: Browser | undefined;
  let t: (TestApp & { pg: PgFixture }) | undefined;
  let uiDir: string | undefined;
  const close = async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await t?.close();
    await provider.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  };
  try {
    const builtUi = (uiDir = buildUi());
    const app = await startPgTestApp({
      configure: (nest) =>
        serveUi(nest, builtUi, { connectSources: providerOrigins(provider.issuer) }),
      adapters: {
        registry: buildWorkflowRegistry().register(teamConfirm('a')).register(teamConfirm('b')),
        auth: {
          apiKeys: TEST_API_KEYS,
          oidc: {
            issuer: provider.issuer,
            audience: AUDIENCE,
            jwksUrl: provider.jwksUrl,
            publicKeyPem: null,
            clockSkewSeconds: 0, // so a test sees the API refuse an expired token at once
            rolesClaim: 'groups',
            userClaim: 'preferred_username',
            algorithms: DEFAULT_OIDC_ALGORITHMS,
            roleMap: parseRoleMap(SSO_ROLE_MAP, 'OIDC_ROLE_MAP'),
            ui: { clientId: CLIENT_ID, scopes: ['openid', 'profile'] },
          },
        },
      },
    });
    t = app;
    await provider.configure({
      clientId: CLIENT_ID,
      audience: AUDIENCE,
      appOrigin: app.url,
      accounts,
    });
    const chromium = await launchChromium();
    browser = chromium;
    const providerButton = (page: Page) =>
      page.getByRole('button', { name: 'Sign in with your organisation account', exact: true });
    return {
      t: app,
      provider,
      providerButton,
      newPage: async () => {
        const context = await chromium.newContext({ viewport: { width: 1280, height: 800 } });
        contexts.push(context);
        await context.route(
          (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
          (route) => route.abort('blockedbyclient'),
        );
        return context.newPage();
      },
      signInAtProvider: async (page, login, screenshotName) => {
        await providerButton(page).click();
        await page.waitForURL((url) => url.origin === provider.issuer, WAIT);
        const loginField = page.locator('input[name="login"]');
        await loginField.waitFor(WAIT);
        if (screenshotName) await screenshot(page, screenshotName);
        await loginField.fill(login);
        await page.locator('input[name="password"]').fill('correct horse battery staple');
        await page.getByRole('button', { name: 'Sign-in', exact: true }).click();
        await page.waitForURL(
          (url) => url.origin === app.url && !url.pathname.startsWith('/auth/'),
          WAIT,
        );
      },
      storedSession: (page) =>
        page.evaluate(() =>
          JSON.parse(window.sessionStorage.getItem('baton.oidc') ?? 'null'),
        ) as Promise<StoredOidcSession | null>,
      close,
    };
  } catch (error) {
    await close();
    throw new Error(`${(error as Error).message}\nprovider: ${provider.errors()}`);
  }
};
