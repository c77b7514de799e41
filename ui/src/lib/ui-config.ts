/** How this service signs people in (`GET /api/ui/config`, public), read once per page load. */
import type { UiConfig } from '../../../src/interfaces/rest/ui-config.contract';

export type { UiConfig };
export type OidcUiConfig = NonNullable<UiConfig['oidc']>;

/** An older service without the endpoint: API keys only, as before. */
const KEYS_ONLY: UiConfig = { oidc: null, apiKeys: true };

let loaded: Promise<UiConfig> | undefined;

export const loadUiConfig = (): Promise<UiConfig> =>
  (loaded ??= fetch('/api/ui/config', { headers: { accept: 'application/json' } })
    .then((res) => (res.ok ? (res.json() as Promise<UiConfig>) : KEYS_ONLY))
    .catch(() => {
      loaded = undefined; // try again next time: the service may be back
      return KEYS_ONLY;
    }));
