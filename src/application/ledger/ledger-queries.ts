/**
 * What the ledger answers (GET /api/ledger/...): the signing key's public half, the latest
 * digest, inclusion and consistency proofs, and audit bundles. Reads only.
 */
import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { CLOCK, Clock } from '../ports/clock';
import { EVENT_STORE, EventStore } from '../ports/event-store';
import { LEDGER_STORE, LedgerStore } from '../ports/ledger-store';
import { BundleLine } from './audit-bundle';
import { exportBundle } from './bundle-export';
import { hex, storedConsistencyProof, storedInclusionProof } from './ledger-proofs';
import { LEDGER_SETTINGS, LedgerSettings } from './ledger-settings';
import { SignedDigest, keyIdOf, publicKeyPem } from './signed-digest';

export interface LedgerKey {
  keyId: string;
  algorithm: 'Ed25519';
  publicKey: string;
}

export interface InclusionAnswer {
  eventId: string;
  leaf: number;
  treeSize: number;
  eventHash: string;
  leafHash: string;
  proof: string[];
  digest: SignedDigest;
}

export interface ConsistencyAnswer {
  from: number;
  to: number;
  proof: string[];
  fromDigest: SignedDigest | null;
  toDigest: SignedDigest | null;
}

@Injectable()
export class LedgerQueries {
  constructor(
    @Inject(LEDGER_STORE) private readonly ledger: LedgerStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_SETTINGS) private readonly settings: LedgerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  keys(): { keys: LedgerKey[] } {
    const key = this.settings.signingKey;
    if (!key) return { keys: [] };
    return {
      keys: [
        {
          keyId: keyIdOf(createPublicKey(key)),
          algorithm: 'Ed25519',
          publicKey: publicKeyPem(key),
        },
      ],
    };
  }

  async latestDigest(): Promise<SignedDigest> {
    const digest = await this.ledger.latestDigest();
    if (!digest) throw new NotFoundError('The ledger has signed no digest yet');
    return digest;
  }

  private async digest(size: number | undefined): Promise<SignedDigest> {
    if (size === undefined) return this.latestDigest();
    const digest = await this.ledger.digestAt(size);
    if (!digest) throw new NotFoundError(`No digest of tree size ${size}`);
    return digest;
  }

  async inclusion(eventId: string, digestSize: number | undefined): Promise<InclusionAnswer> {
    const digest = await this.digest(digestSize);
    const leaf = await this.ledger.leafOfEvent(eventId);
    if (!leaf || leaf.index >= digest.treeSize)
      throw new NotFoundError(`Event ${eventId} is not in the tree of that digest`);
    const proof = await storedInclusionProof(this.ledger, leaf.index, digest.treeSize);
    return {
      eventId,
      leaf: leaf.index,
      treeSize: digest.treeSize,
      eventHash: leaf.eventHash,
      leafHash: leaf.leafHash.toString('hex'),
      proof: hex(proof),
      digest,
    };
  }

  async consistency(from: number, to: number): Promise<ConsistencyAnswer> {
    if (from > to) throw new ValidationError('"from" must not be greater than "to"');
    const { treeSize } = await this.ledger.state();
    if (to > treeSize)
      throw new NotFoundError(`The ledger holds ${treeSize} events, fewer than ${to}`);
    const proof = await storedConsistencyProof(this.ledger, from, to);
    return {
      from,
      to,
      proof: hex(proof),
      fromDigest: await this.ledger.digestAt(from),
      toDigest: await this.ledger.digestAt(to),
    };
  }

  /** Checks the digest exists before the first line, so a 404 is still an answer, not a cut. */
  async bundle(options: {
    streamId?: string;
    until?: number;
  }): Promise<AsyncGenerator<BundleLine>> {
    await this.digest(options.until);
    return exportBundle(this.store, this.ledger, { ...options, now: this.clock.now() });
  }
}
