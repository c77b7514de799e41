import { providerOrigins, UI_CSP, uiCsp } from '../../src/interfaces/web/serve-ui';

describe('the UI page CSP and the OpenID provider', () => {
  it('lets the page call the provider origin (discovery, token), and nothing more', () => {
    const csp = uiCsp(providerOrigins('https://keycloak.example/realms/ops'));
    expect(csp).toContain("connect-src 'self' https://keycloak.example;");
    expect(csp.replace(' https://keycloak.example', '')).toBe(UI_CSP);
  });

  it('adds nothing for an issuer that is not a URL', () => {
    expect(providerOrigins('ops-realm')).toEqual([]);
    expect(providerOrigins(undefined)).toEqual([]);
    expect(UI_CSP).toContain("connect-src 'self';");
  });
});
