/**
 * OIDC / JWT bearer tokens, verified by `jose`: signature (keys from the provider's JWKS URL,
 * fetched and cached by jose, or one static public key), issuer, audience, expiry and
 * not-before with a clock skew. Roles come from configurable claims (dotted paths such as
 * `realm_access.roles` or `groups`), through an optional map from the provider's values to
 * Baton's roles; the name from another claim (`preferred_username`, else `sub`).
 */
import { Logger } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { OidcSettings } from '../../domain/access/oidc-settings';
import { rolesFor } from '../../domain/access/role-map';
import { Actor } from '../../domain/access/roles';

type Jose = typeof import('jose');
type KeySource = KeyObject | ReturnType<Jose['createRemoteJWKSet']>;

/**
 * jose ships as ES modules only. Loaded when the first verifier is made, so whatever never
 * configures OIDC never loads it: a team's Jest tests import this package, and Jest's CommonJS
 * runtime cannot load ES modules it was not told to transform.
 */
let jose: Jose | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadJose = (): Jose => (jose ??= require('jose') as Jose);

const claimAt = (payload: JWTPayload, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined,
      payload,
    );

/**
 * A roles claim may be a list or one space- or comma-separated string; unknown shapes give none.
 * (Group paths with spaces come as lists, which are taken whole.)
 */
const claimValues = (claim: unknown): string[] => {
  const values = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.split(/[\s,]+/)
      : [];
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
};

export class OidcVerifier {
  private readonly key: KeySource;
  private readonly jose = loadJose();
  private readonly logger = new Logger('OIDC');

  constructor(private readonly settings: OidcSettings) {
    this.key = settings.jwksUrl
      ? this.jose.createRemoteJWKSet(new URL(settings.jwksUrl))
      : createPublicKey(settings.publicKeyPem ?? '');
  }

  /** The token's subject as an actor, or null when the token does not verify. */
  async verify(token: string): Promise<Actor | null> {
    let payload: JWTPayload;
    try {
      // Two calls because jose overloads jwtVerify per kind of key (a key, or a key resolver).
      const verified =
        this.key instanceof KeyObject
          ? await this.jose.jwtVerify(token, this.key, this.options())
          : await this.jose.jwtVerify(token, this.key, this.options());
      payload = verified.payload;
    } catch (error) {
      // The reason (expired, wrong audience, JWKS unreachable) helps operators; the token never
      // appears, and jose's codes carry none of it.
      this.logger.debug(`bearer token refused: ${(error as { code?: string }).code ?? 'invalid'}`);
      return null;
    }
    const user = claimAt(payload, this.settings.userClaim) ?? payload.sub;
    if (typeof user !== 'string' || user.length === 0 || user.length > 200) return null;
    const values = this.settings.rolesClaim
      .split(',')
      .map((path) => path.trim())
      .filter((path) => path.length > 0)
      .flatMap((path) => claimValues(claimAt(payload, path)));
    return {
      name: user,
      roles: rolesFor(values, this.settings.roleMap ?? null),
      // Long-lived connections (SSE, graphql-ws) end at `exp`: they authenticate only once.
      ...(typeof payload.exp === 'number' ? { validUntil: payload.exp * 1000 } : {}),
    };
  }

  private options() {
    return {
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      clockTolerance: this.settings.clockSkewSeconds,
      algorithms: this.settings.algorithms,
      requiredClaims: ['exp'],
    };
  }
}
