/**
 * Four projects so `npm test` runs everything while each layer can run alone, and a fifth,
 * the tests against a live EventStoreDB, only when EVENTSTORE_CONNECTION_STRING says where one
 * is. Without it those files are not collected at all (nothing skipped, nothing passed) and the
 * reporter below says so in one line.
 */
const base = require('./jest.shared');
const eventStoreDb = process.env.EVENTSTORE_CONNECTION_STRING
  ? [{ ...base, displayName: 'eventstoredb', testMatch: ['<rootDir>/test/**/*.esdb.spec.ts'] }]
  : [];
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/test/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
    // The operator UI in Chromium (playwright-core): BROWSER_PATH, the system's, or the npm one.
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/**/*.browser.spec.ts'] },
    ...eventStoreDb,
  ],
  reporters: ['default', '<rootDir>/test/support/eventstoredb-not-run-reporter.js'],
  testTimeout: 60000,
};
