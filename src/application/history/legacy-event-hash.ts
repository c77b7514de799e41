/**
 * The first hash chain (issue #6), kept only to verify events written with it: SHA-256 hex of
 * (previous hash, or GENESIS_HASH) + canonical JSON of {type, data, metadata without hash}. It
 * covers neither the stream nor the revision, so a history could be moved to another stream
 * unnoticed; new events use `hashEvent` (event-chain.ts) instead.
 */
import { hash as digest } from 'node:crypto';
import { NewEvent } from '../ports/event-store';
import { canonicalJson, canonicalJsonWithout } from './canonical-json';

/** What the first hashed event of a stream links to. */
export const GENESIS_HASH = '0'.repeat(64);

export const legacyHashEvent = (
  previousHash: string | null,
  event: Pick<NewEvent, 'type' | 'data' | 'metadata'>,
): string => {
  const content = `{"data":${canonicalJson(event.data)},"metadata":${canonicalJsonWithout(
    event.metadata as unknown as Record<string, unknown>,
    'hash',
  )},"type":${canonicalJson(event.type)}}`;
  return digest('sha256', (previousHash ?? GENESIS_HASH) + content, 'hex');
};
