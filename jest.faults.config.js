/**
 * Fault injection with real child processes (npm run test:faults): several instances on one
 * PostgreSQL, SIGKILLs at chosen points, a database outage. Slow, so not part of `npm test`.
 */
module.exports = {
  ...require('./jest.shared'),
  displayName: 'faults',
  testMatch: ['<rootDir>/test/faults/**/*.faults.spec.ts'],
  testTimeout: 600_000,
};
