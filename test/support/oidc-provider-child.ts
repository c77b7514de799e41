/**
 * A real OpenID provider for the browser test: `oidc-provider` from npm with its own login form,
 * on 127.0.0.1 only. Runs in its own Node process because the package is an ES module (Node
 * loads it with require(); Jest's module system would not).
 *
 * Protocol on stdin/stdout, one JSON object per line:
 *   child → `{"issuer": "http://127.0.0.1:<port>"}` once it listens;
 *   parent → the ProviderSetup (the UI's redirect addresses are known only once the app listens);
 *   child → `{"ready": true}`.
 * Usage: node -r ts-node/register/transpile-only oidc-provider-child.ts
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { Provider } from 'oidc-provider';

export interface ProviderAccount {
  /** Group paths as Keycloak writes them, mapped to Baton roles by the app's role map. */
  groups: string[];
  /** Seconds; 10 minutes unless set. */
  accessTokenTtl?: number;
  /** Issue a refresh token to this account's sign-ins. */
  refreshTokens?: boolean;
}

export interface ProviderSetup {
  clientId: string;
  audience: string;
  /** The operator UI's origin: its callback and signed-out addresses, and CORS. */
  appOrigin: string;
  accounts: Record<string, ProviderAccount>;
}

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Plain pages with no external resource: the test allows no network beyond this machine. */
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

const configure = (setup: ProviderSetup) => {
  const account = (id: string | undefined) =>
    id !== undefined && Object.hasOwn(setup.accounts, id) ? setup.accounts[id] : undefined;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const resourceServer = {
    scope: 'openid profile',
    audience: setup.audience,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' } },
  };
  return {
    clients: [
      {
        client_id: setup.clientId,
        token_endpoint_auth_method: 'none' as const,
        application_type: 'web' as const,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${setup.appOrigin}/auth/callback`],
        post_logout_redirect_uris: [`${setup.appOrigin}/signed-out`],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig' }] },
    cookies: { keys: ['baton-browser-test-cookie-key'] },
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'] },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      const found = account(id);
      if (!found) return undefined;
      return {
        accountId: id,
        claims: async () => ({ sub: id, preferred_username: id, groups: found.groups }),
      };
    },
    // The access token is what Baton's API reads: the name and the groups go into it.
    async extraTokenClaims(_ctx: KoaContextWithOIDC, token: { accountId?: string }) {
      const found = account(token.accountId);
      return found ? { preferred_username: token.accountId, groups: found.groups } : undefined;
    },
    // A first-party client: no consent page, as organisations set up their own tools.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { session, client, params } = ctx.oidc;
      if (!session?.accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({
        clientId: client.clientId,
        accountId: session.accountId,
      });
      grant.addOIDCScope(String(params?.scope ?? 'openid'));
      grant.addResourceScope(setup.audience, 'openid profile');
      await grant.save();
      return grant;
    },
    async issueRefreshToken(
      _ctx: KoaContextWithOIDC,
      _client: unknown,
      code: { accountId?: string },
    ) {
      return account(code.accountId)?.refreshTokens === true;
    },
    ttl: {
      AccessToken: (_ctx: KoaContextWithOIDC, token: { accountId?: string }) =>
        account(token.accountId)?.accessTokenTtl ?? 600,
    },
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string) => origin === setup.appOrigin,
    features: {
      devInteractions: { enabled: true }, // the provider's own login form
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => setup.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => resourceServer,
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          ctx.body = page(
            'Sign out of the test provider?',
            `${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`,
          );
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.body = page('Signed out', '<p>You are signed out of the test provider.</p>');
        },
      },
    },
  };
};

const main = async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  say({ issuer });
  const lines = createInterface({ input: process.stdin });
  const first: string = await new Promise((resolve) => lines.once('line', resolve));
  const setup = JSON.parse(first) as ProviderSetup;
  const provider = new Provider(
    issuer,
    configure(setup) as ConstructorParameters<typeof Provider>[1],
  );
  provider.on('server_error', (_ctx, error) =>
    process.stderr.write(`server_error ${String(error)}\n`),
  );
  server.on('request', provider.callback());
  say({ ready: true });
  // The parent closing our stdin (or dying) ends the provider.
  lines.on('close', () => server.close(() => process.exit(0)));
};

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
