/**
 * The adapter's cheap OpenTelemetry Context (issue 19, tracing's cost) must answer as the API's
 * own one does: values set, shadowed and deleted per context, parents never changed, and the
 * API's helpers (span, span context, suppressed tracing) working on it.
 */
import { ROOT_CONTEXT, TraceFlags, createContextKey, trace } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing } from '@opentelemetry/core';
import { LinkedContext } from '../../src/infrastructure/tracing/linked-context';

const A = createContextKey('a');
const B = createContextKey('b');

describe('LinkedContext', () => {
  it('sets, shadows and deletes values without touching the context it was made from', () => {
    const root = LinkedContext.root;
    const one = root.setValue(A, 1);
    const two = one.setValue(B, 2).setValue(A, 3);
    const gone = two.deleteValue(A);
    expect(root.getValue(A)).toBeUndefined();
    expect(one.getValue(A)).toBe(1);
    expect(one.getValue(B)).toBeUndefined();
    expect([two.getValue(A), two.getValue(B)]).toEqual([3, 2]);
    expect([gone.getValue(A), gone.getValue(B)]).toEqual([undefined, 2]);
    expect(gone.setValue(A, 4).getValue(A)).toBe(4);
  });

  it('answers like the API context for the span helpers and suppressed tracing', () => {
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    };
    for (const base of [ROOT_CONTEXT, LinkedContext.root]) {
      const withSpan = trace.setSpanContext(base, spanContext);
      expect(trace.getSpanContext(withSpan)).toEqual(spanContext);
      expect(trace.getSpan(trace.deleteSpan(withSpan))).toBeUndefined();
      expect(isTracingSuppressed(withSpan)).toBe(false);
      expect(isTracingSuppressed(suppressTracing(withSpan))).toBe(true);
    }
  });
});
