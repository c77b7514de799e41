/**
 * A ledger digest: the tree's size and root, the global position of its last leaf and when it
 * was taken, signed with Ed25519. What is signed is fixed text ("baton-ledger-digest-v1\n" +
 * canonical JSON of those four fields), so any Ed25519 implementation can check it. The public
 * key travels with the digest for convenience; an auditor trusts the key they pinned, never the
 * one a digest brings (verifyDigest takes the trusted key separately).
 */
import { KeyObject, createHash, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson } from '../history/canonical-json';

export interface DigestBody {
  treeSize: number;
  /** RFC 9162 root, hex. */
  rootHash: string;
  /** Global position of the last event in the tree (0 for an empty tree). */
  lastPosition: number;
  /** ISO-8601 time the digest was taken. */
  at: string;
}

export interface SignedDigest extends DigestBody {
  /** First 16 hex digits of SHA-256 over the public key (SPKI DER). */
  keyId: string;
  /** Ed25519 signature, base64. */
  signature: string;
  /** The signer's public key, PEM (SPKI). */
  publicKey: string;
}

export const digestMessage = (body: DigestBody): Buffer =>
  Buffer.from(
    `baton-ledger-digest-v1\n${canonicalJson({
      at: body.at,
      lastPosition: body.lastPosition,
      rootHash: body.rootHash,
      treeSize: body.treeSize,
    })}`,
  );

export const publicKeyPem = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key)
    .export({ type: 'spki', format: 'pem' })
    .toString();

export const keyIdOf = (publicKey: KeyObject | string): string => {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const der = (key.type === 'private' ? createPublicKey(key) : key).export({
    type: 'spki',
    format: 'der',
  });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
};

export const signDigest = (body: DigestBody, privateKey: KeyObject): SignedDigest => ({
  treeSize: body.treeSize,
  rootHash: body.rootHash,
  lastPosition: body.lastPosition,
  at: body.at,
  keyId: keyIdOf(privateKey),
  signature: sign(null, digestMessage(body), privateKey).toString('base64'),
  publicKey: publicKeyPem(privateKey),
});

/** Whether `digest` was signed by `trustedKey` (PEM or key), whatever key it claims to carry. */
export const verifyDigest = (digest: SignedDigest, trustedKey: KeyObject | string): boolean => {
  try {
    const key = typeof trustedKey === 'string' ? createPublicKey(trustedKey) : trustedKey;
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, digestMessage(digest), key, Buffer.from(digest.signature, 'base64'));
  } catch {
    return false;
  }
};

/** Shape check of a digest read from a file or the network; null when it is not one. */
export const parseDigest = (value: unknown): SignedDigest | null => {
  if (typeof value !== 'object' || value === null) return null;
  const d = value as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(d.treeSize) &&
    (d.treeSize as number) >= 0 &&
    typeof d.rootHash === 'string' &&
    /^[0-9a-f]{64}$/.test(d.rootHash) &&
    Number.isSafeInteger(d.lastPosition) &&
    typeof d.at === 'string' &&
    typeof d.keyId === 'string' &&
    typeof d.signature === 'string' &&
    typeof d.publicKey === 'string';
  if (!ok) return null;
  return {
    treeSize: d.treeSize as number,
    rootHash: d.rootHash as string,
    lastPosition: d.lastPosition as number,
    at: d.at as string,
    keyId: d.keyId as string,
    signature: d.signature as string,
    publicKey: d.publicKey as string,
  };
};
