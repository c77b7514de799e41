import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-examples/**', 'dist-bench/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The plain-JavaScript runners (npm run test:package, test:oc-ui, …) run on Node.
    files: ['**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests read loosely-typed JSON answers from the API.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The domain is pure: it may not reach into the outer layers or do I/O.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/application/**', '**/infrastructure/**', '**/interfaces/**', '@nestjs/*', 'pg', 'node:*'] },
      ],
    },
  },
  {
    // The application layer talks to the outside only through its ports.
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/infrastructure/**', '**/interfaces/**', '**/workflows/**'] }],
    },
  },
  {
    // Examples are team projects: Baton only through its public name, never its sources.
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/src/domain/**', '**/src/application/**', '**/src/infrastructure/**', '**/src/interfaces/**', '**/../../src/**'] }],
    },
  },
);
