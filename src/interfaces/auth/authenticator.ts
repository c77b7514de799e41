/**
 * Who is calling, from a request's headers: `Authorization: Bearer <API key or JWT>` or
 * `X-API-Key: <key>`. The one place credentials are checked; the REST guard uses it, and so
 * can GraphQL contexts and the SSE feed (anything that has the request's headers).
 */
import { Inject, Injectable } from '@nestjs/common';
import { IncomingHttpHeaders } from 'node:http';
import { Actor } from '../../domain/access/roles';
import { ApiKeyEntry } from '../../domain/access/api-key-entries';
import { OidcSettings } from '../../domain/access/oidc-settings';
import { ApiKeyVerifier } from './api-keys';
import { OidcVerifier } from './oidc';

export interface AuthSettings {
  apiKeys: ApiKeyEntry[];
  oidc: OidcSettings | null;
}
export const AUTH_SETTINGS = Symbol('AuthSettings');

/** Longer than any key or token a sane client sends; anything longer is refused unread. */
const MAX_CREDENTIAL_LENGTH = 16 * 1024;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The credential a request presents, if any (a malformed header presents none). */
export const presentedCredential = (headers: IncomingHttpHeaders): string | null => {
  const authorization = single(headers.authorization);
  const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  const credential = match?.[1] ?? single(headers['x-api-key'])?.trim();
  if (!credential || credential.length > MAX_CREDENTIAL_LENGTH) return null;
  return credential;
};

@Injectable()
export class Authenticator {
  private readonly keys: ApiKeyVerifier;
  private readonly oidc: OidcVerifier | null;

  constructor(@Inject(AUTH_SETTINGS) settings: AuthSettings) {
    this.keys = new ApiKeyVerifier(settings.apiKeys);
    this.oidc = settings.oidc ? new OidcVerifier(settings.oidc) : null;
  }

  /** The caller, or null when the request carries no credential that verifies. */
  async authenticate(headers: IncomingHttpHeaders): Promise<Actor | null> {
    const credential = presentedCredential(headers);
    if (credential === null) return null;
    if (this.oidc && JWT_SHAPE.test(credential)) return this.oidc.verify(credential);
    return this.keys.verify(credential);
  }
}
