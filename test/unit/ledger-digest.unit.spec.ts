/** Signed ledger digests: Ed25519 over a fixed text, checked only against the pinned key. */
import { generateKeyPairSync } from 'node:crypto';
import {
  digestMessage,
  keyIdOf,
  parseDigest,
  signDigest,
  verifyDigest,
} from '../../src/application/ledger/signed-digest';

const body = {
  treeSize: 12,
  rootHash: 'ab'.repeat(32),
  lastPosition: 12345,
  at: '2026-12-06T21:00:00.000Z',
};

describe('signed digest', () => {
  const ours = generateKeyPairSync('ed25519');
  const theirs = generateKeyPairSync('ed25519');

  it('signs a fixed text an auditor can rebuild', () => {
    expect(digestMessage(body).toString()).toBe(
      `baton-ledger-digest-v1\n{"at":"2026-12-06T21:00:00.000Z","lastPosition":12345,"rootHash":"${'ab'.repeat(32)}","treeSize":12}`,
    );
    const digest = signDigest(body, ours.privateKey);
    expect(digest.keyId).toBe(keyIdOf(ours.publicKey));
    expect(verifyDigest(digest, ours.publicKey)).toBe(true);
    expect(verifyDigest(digest, digest.publicKey)).toBe(true);
  });

  it('is refused when signed by another key, even one the digest carries itself', () => {
    const forged = signDigest(body, theirs.privateKey);
    expect(verifyDigest(forged, ours.publicKey)).toBe(false);
    expect(
      verifyDigest(
        { ...forged, publicKey: signDigest(body, ours.privateKey).publicKey },
        ours.publicKey,
      ),
    ).toBe(false);
  });

  it('is refused when any signed field changes', () => {
    const digest = signDigest(body, ours.privateKey);
    for (const change of [
      { treeSize: 13 },
      { rootHash: 'cd'.repeat(32) },
      { lastPosition: 1 },
      { at: 'x' },
    ]) {
      expect(verifyDigest({ ...digest, ...change }, ours.publicKey)).toBe(false);
    }
  });

  it('parses only well-formed digests', () => {
    const digest = signDigest(body, ours.privateKey);
    expect(parseDigest(JSON.parse(JSON.stringify(digest)))).toEqual(digest);
    expect(parseDigest({ ...digest, treeSize: -1 })).toBeNull();
    expect(parseDigest({ ...digest, rootHash: 'zz' })).toBeNull();
    expect(parseDigest('nope')).toBeNull();
  });
});
