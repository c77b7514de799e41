/**
 * For a service this repository's tests run from its sources (ts-node): the examples import
 * Baton by its package name, which here means src/ (as tsconfig.json's paths and
 * jest.shared.js say), so the example and the service share one copy of every class. Loaded
 * with `-r` after ts-node; a compiled run needs nothing (dist-examples resolves the name through
 * package.json's exports).
 */
import Module from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SOURCES: Record<string, string> = {
  'baton-orchestrator': path.join(ROOT, 'src/index.ts'),
  'baton-orchestrator/testing': path.join(ROOT, 'src/testing/index.ts'),
};

type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolve.call(this, SOURCES[request] ?? request, ...rest);
};
