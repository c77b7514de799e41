/** What configuration says about OIDC bearer tokens (verified by interfaces/auth/oidc). */
export interface OidcSettings {
  issuer: string;
  audience: string;
  /** Where the provider publishes its signing keys; or `publicKeyPem`. */
  jwksUrl: string | null;
  publicKeyPem: string | null;
  clockSkewSeconds: number;
  rolesClaim: string;
  userClaim: string;
  algorithms: string[];
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
