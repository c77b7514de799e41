/** What configuration says about OIDC bearer tokens (verified by interfaces/auth/oidc). */
import type { RoleMap } from './role-map';

/** What the operator UI needs to sign people in with the provider: public values only. */
export interface OidcUiSettings {
  /** The UI's client at the provider: a public client (no secret), code flow with PKCE. */
  clientId: string;
  scopes: string[];
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** Where the provider publishes its signing keys; or `publicKeyPem`. */
  jwksUrl: string | null;
  publicKeyPem: string | null;
  clockSkewSeconds: number;
  /** One or more dotted claim paths, separated by commas; their values are gathered. */
  rolesClaim: string;
  userClaim: string;
  algorithms: string[];
  /** Provider group or role values → Baton roles; null or absent = values are role names. */
  roleMap?: RoleMap | null;
  /** Set when the operator UI signs people in through this provider. */
  ui?: OidcUiSettings | null;
}

export const DEFAULT_OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
