/**
 * OIDC / JWT bearer tokens, verified by `jose`: signature (keys from the provider's JWKS URL,
 * fetched and cached by jose, or one static public key), issuer, audience, expiry and
 * not-before with a clock skew. Roles come from a configurable claim (a dotted path such as
 * `realm_access.roles`), the name from another (`preferred_username`, else `sub`).
 */
import { Logger } from '@nestjs/common';
import { createPublicKey, KeyObject } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { OidcSettings } from '../../domain/access/oidc-settings';
import { Actor, ROLE_NAME } from '../../domain/access/roles';

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

/** A roles claim may be a list or one space- or comma-separated string; unknown shapes give none. */
const rolesFrom = (claim: unknown): string[] => {
  const values = Array.isArray(claim)
    ? claim
    : typeof claim === 'string'
      ? claim.split(/[\s,]+/)
      : [];
  return values.filter((v): v is string => typeof v === 'string' && ROLE_NAME.test(v));
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
    return { name: user, roles: rolesFrom(claimAt(payload, this.settings.rolesClaim)) };
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
