/**
 * Known credentials for test apps: every test app and child service accepts these keys, and
 * `call()` sends the admin one unless told otherwise. Tests of authentication itself make their
 * own keys and tokens.
 */
import { ApiKeyEntry, apiKeyLine } from '../../src/domain/access/api-key-entries';
import { hashApiKey } from '../../src/interfaces/auth/api-keys';

export const TEST_KEYS = {
  admin: 'test-admin-key-6Xq2vV0yqkB1m3Yf9cLr4sT8',
  operator: 'test-operator-key-P7nW2eR5tY8uI1oA4sD6',
  auditor: 'test-auditor-key-Z3xC5vB7nM9qW2eR4tY6',
  /** An operator who also holds the team role `noc`. */
  noc: 'test-noc-key-L1kJ3hG5fD7sA9pO2iU4yT6',
} as const;

export const TEST_API_KEYS: ApiKeyEntry[] = [
  { name: 'test-admin', roles: ['admin'], hash: hashApiKey(TEST_KEYS.admin) },
  { name: 'test-operator', roles: ['operator'], hash: hashApiKey(TEST_KEYS.operator) },
  { name: 'test-auditor', roles: ['auditor'], hash: hashApiKey(TEST_KEYS.auditor) },
  { name: 'test-noc', roles: ['operator', 'noc'], hash: hashApiKey(TEST_KEYS.noc) },
];

/** The same keys as an API_KEYS value, for child processes. */
export const TEST_API_KEYS_ENV = TEST_API_KEYS.map(apiKeyLine).join(',');
