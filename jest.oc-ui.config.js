/**
 * `npm run test:oc-ui` only: SURF's orchestrator-ui (compat/orchestrator-ui, installed and built
 * by that script) against Baton's /oc/api in Chromium. Kept out of jest.config.js: it needs a
 * ~650 MB install and a Next.js build first.
 */
module.exports = {
  ...require('./jest.shared'),
  displayName: 'oc-ui',
  testMatch: ['<rootDir>/test/oc-ui/*.oc-ui.spec.ts'],
  testTimeout: 300_000,
};
