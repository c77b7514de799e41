/**
 * How many live streams one credential holds open at once on this instance, whatever the
 * transport: SSE on `GET /api/events` and GraphQL subscriptions over graphql-ws draw on the same
 * quota (`FEED_STREAMS_PER_CREDENTIAL`), since each is a follower of the change feed kept alive
 * for that client. Without a shared count, a client refused on one transport could open any
 * number on the other.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_FEED_STREAMS_PER_CREDENTIAL,
  RUNTIME_CONFIG,
  RuntimeConfig,
} from '../application/ports/runtime-config';

/** Gives the slot back; calling it again does nothing. */
export type ReleaseStream = () => void;

@Injectable()
export class LiveStreamQuota {
  private readonly held = new Map<string, number>();

  constructor(@Inject(RUNTIME_CONFIG) private readonly runtime: RuntimeConfig) {}

  get limit(): number {
    return this.runtime.feedStreamsPerCredential ?? DEFAULT_FEED_STREAMS_PER_CREDENTIAL;
  }

  /** A slot for `owner` (the authenticated name), or null when it holds `limit` already. */
  take(owner: string): ReleaseStream | null {
    const held = this.held.get(owner) ?? 0;
    if (held >= this.limit) return null;
    this.held.set(owner, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(owner) ?? 1) - 1;
      if (left > 0) this.held.set(owner, left);
      else this.held.delete(owner);
    };
  }

  /** What `owner` holds now (for tests and diagnostics). */
  heldBy(owner: string): number {
    return this.held.get(owner) ?? 0;
  }

  /** What every credential holds together (for tests and diagnostics). */
  get heldInAll(): number {
    let total = 0;
    for (const n of this.held.values()) total += n;
    return total;
  }
}

/** The refusal's words, the same on both transports. */
export const quotaExceeded = (limit: number): string =>
  `At most ${limit} live event streams (SSE or GraphQL subscriptions) per credential are open at once; close one first`;
