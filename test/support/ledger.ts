/** The ledger's signing key in tests (made once per test process; never a real key). */
import { generateKeyPairSync } from 'node:crypto';

export const TEST_LEDGER_KEY = generateKeyPairSync('ed25519').privateKey;
