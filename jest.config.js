/** Three projects so `npm test` runs everything while each layer can run alone. */
const base = { preset: 'ts-jest', testEnvironment: 'node', rootDir: __dirname };
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.spec.ts'] },
    { ...base, displayName: 'int', testMatch: ['<rootDir>/test/**/*.int.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.spec.ts'] },
  ],
  testTimeout: 60000,
};
