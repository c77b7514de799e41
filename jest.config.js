/** Four projects so `npm test` runs everything while each layer can run alone. */
const base = { preset: 'ts-jest', testEnvironment: 'node', rootDir: __dirname };
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/test/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
    // The operator UI in Debian's Chromium (playwright-core); .ci/run installs the browser.
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/**/*.browser.spec.ts'] },
  ],
  testTimeout: 60000,
};
