/**
 * Trace and span ids cut from a pool of random bytes. The SDK's generator makes each id with
 * two to four Math.random calls, a buffer write per four bytes and a scan for all zeros; a
 * seed process needs about 65 ids (a span id per span, a trace id per root span). Here a
 * 4 KiB pool (crypto.randomFillSync, refilled when used up) gives 256 span ids before the next
 * refill; each id is its own flat hex string (a slice of one big hex string would keep the
 * whole pool alive for as long as any id, and ids live on in stored traceparents).
 */
import { randomFillSync } from 'node:crypto';
import { IdGenerator } from '@opentelemetry/sdk-trace-base';

const POOL_BYTES = 4096;
const ZERO_SPAN_ID = '0'.repeat(16);
const ZERO_TRACE_ID = '0'.repeat(32);

export class PooledIdGenerator implements IdGenerator {
  private readonly pool = Buffer.allocUnsafe(POOL_BYTES);
  private used = POOL_BYTES;

  /** `fill` puts random bytes into the pool (tests script it). */
  constructor(private readonly fill: (pool: Buffer) => void = (pool) => randomFillSync(pool)) {}

  generateTraceId = (): string => this.next(16, ZERO_TRACE_ID);
  generateSpanId = (): string => this.next(8, ZERO_SPAN_ID);

  /** All zeros is the W3C's invalid id: made valid the way the SDK does, by its last bit. */
  private next(bytes: number, zero: string): string {
    if (this.used + bytes > POOL_BYTES) {
      this.fill(this.pool);
      this.used = 0;
    }
    const id = this.pool.toString('hex', this.used, (this.used += bytes));
    return id === zero ? `${zero.slice(1)}1` : id;
  }
}
