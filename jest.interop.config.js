/**
 * `npm run test:interop` only: Baton against a real LSO (Python, installed by
 * interop/setup-lso.sh). Kept out of jest.config.js so `npm test` stays fast.
 */
module.exports = {
  ...require('./jest.shared'),
  displayName: 'interop',
  testMatch: ['<rootDir>/test/interop/*.interop.spec.ts'],
  testTimeout: 180_000,
};
