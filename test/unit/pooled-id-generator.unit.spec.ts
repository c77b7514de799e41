/**
 * Ids cut from a pool of random bytes (issue 19, tracing's cost): W3C-shaped (lower-case hex,
 * 32 and 16 characters), never the all-zero invalid id, and distinct across pool refills.
 */
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { PooledIdGenerator } from '../../src/infrastructure/tracing/pooled-id-generator';

describe('PooledIdGenerator', () => {
  it('makes valid, distinct trace and span ids across several refills of its pool', () => {
    const ids = new PooledIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      seen.add(traceId).add(spanId);
    }
    expect(seen.size).toBe(4000); // 48 KiB of ids: the 4 KiB pool was refilled 11 times
  });

  it('never hands out the all-zero id, even from a pool of zeros', () => {
    const ids = new PooledIdGenerator((pool) => pool.fill(0));
    const traceId = ids.generateTraceId();
    const spanId = ids.generateSpanId();
    expect(isValidTraceId(traceId)).toBe(true);
    expect(isValidSpanId(spanId)).toBe(true);
  });
});
