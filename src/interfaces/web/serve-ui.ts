/**
 * Serves the operator UI (built by `npm run build` into dist/ui) from the service itself, at `/`.
 * The API keeps its paths; any other GET that is not a file answers index.html, so a page's URL
 * can be reloaded or shared. Must be applied before the app listens: Nest's own "route not
 * found" handler comes after everything registered by then.
 */
import { INestApplication, Logger } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Paths that belong to the service, never to the UI's fallback. */
const SERVICE_PATH = /^\/(api|health|metrics)(\/|$)/;

/** dist/ui next to the compiled service; from the sources (ts-node), the same folder. */
export const defaultUiDir = (): string =>
  [
    path.join(__dirname, '..', '..', 'ui'),
    path.join(__dirname, '..', '..', '..', 'dist', 'ui'),
  ].find((dir) => existsSync(path.join(dir, 'index.html'))) ??
  path.join(__dirname, '..', '..', 'ui');

/**
 * The UI page's own Content-Security-Policy (it replaces a stricter default that security headers
 * may have set): scripts only from this origin, but with 'unsafe-eval', because the JSON Schema
 * validator (ajv, used by the forms) compiles each schema the API sends into a function.
 */
export const uiCsp = (connectSources: readonly string[] = []): string =>
  [
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

export const UI_CSP = uiCsp();

export interface ServeUiOptions {
  /**
   * Origins the page may call besides its own: the OpenID provider's, whose discovery document
   * and token endpoint the browser calls itself during sign-in (the rest is navigation).
   */
  connectSources?: readonly string[];
}

/** The origin of the provider's issuer URL, for the page's CSP; none when it is not a URL. */
export const providerOrigins = (issuer: string | undefined | null): string[] => {
  if (!issuer || !URL.canParse(issuer)) return [];
  const { origin } = new URL(issuer);
  return origin !== 'null' ? [origin] : [];
};

const NOT_BUILT =
  '<!doctype html><html lang="en"><title>Baton</title><body><h1>Baton</h1>' +
  '<p>The operator UI has not been built. Run <code>npm run build</code> and restart.</p></body></html>';

export const serveUi = (
  app: INestApplication,
  uiDir = defaultUiDir(),
  options: ServeUiOptions = {},
): void => {
  const csp = uiCsp(options.connectSources);
  const index = path.join(uiDir, 'index.html');
  const built = existsSync(index);
  if (!built) new Logger('UI').warn(`operator UI not built (no ${index}): run npm run build`);
  // File names under assets/ carry a content hash, so they never change: cache them for good.
  app.use(
    '/assets',
    express.static(path.join(uiDir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  );
  // The service's own paths never look on disk: a stat per status poll was 8% of the server's
  // CPU under the bench (and the API's paths are not the UI's files anyway).
  const uiFiles = express.static(uiDir, { index: false });
  app.use((req: Request, res: Response, next: NextFunction) =>
    SERVICE_PATH.test(req.path) ? next() : uiFiles(req, res, next),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVICE_PATH.test(req.path))
      return next();
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', csp);
    if (!built) return res.status(503).type('html').send(NOT_BUILT);
    res.sendFile(index);
  });
};
