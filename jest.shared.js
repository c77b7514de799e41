/**
 * Settings every Jest configuration of this repository shares. `jose` ships as ES modules only:
 * Jest's CommonJS runtime gets it compiled by ts-jest like our own code.
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  // The examples import Baton by its package name, as a team's project does; here that name
  // means the sources, so a test and the example share one copy of every class.
  moduleNameMapper: {
    '^baton-orchestrator$': '<rootDir>/src/index.ts',
    '^baton-orchestrator/testing$': '<rootDir>/src/testing/index.ts',
  },
};
