/**
 * Next.js settings for Baton's copy of orchestrator-ui. Nothing here names Baton's address: the
 * API, GraphQL and websocket addresses are read from the environment at request time (see
 * configuration/orchestrator-config.ts), so one build serves every deployment.
 */
module.exports = {
  reactStrictMode: false,
  // This folder is its own project inside Baton's repository (which has a lockfile too).
  outputFileTracingRoot: __dirname,
  i18n: { locales: ['en-GB'], defaultLocale: 'en-GB' },
  // The components package ships TypeScript/ES sources that Next must compile itself.
  transpilePackages: ['@orchestrator-ui/orchestrator-ui-components'],
  // The test builds without ESLint installed; type errors still fail the build.
  eslint: { ignoreDuringBuilds: true },
};
