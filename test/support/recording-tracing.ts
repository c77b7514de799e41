/**
 * A Tracing that records the spans it opens, for tests of where requests open and end theirs.
 * A span's trace context is its name, so a test can see which span is current.
 */
import { withLogAndTraceContext } from '../../src/application/observability/log-context';
import { OpenSpan, SpanAttributes, Tracing, noTracing } from '../../src/application/ports/tracing';

export interface RecordedSpan {
  name: string;
  attributes: SpanAttributes;
  ended: boolean;
}

export const recordingTracing = (): { spans: RecordedSpan[]; tracing: Tracing } => {
  const spans: RecordedSpan[] = [];
  const tracing: Tracing = {
    ...noTracing,
    enabled: true,
    open: (name, attributes): OpenSpan => {
      const span = { name, attributes: { ...attributes }, ended: false };
      spans.push(span);
      return {
        setAttributes: (more) => Object.assign(span.attributes, more),
        run: (work, log) => withLogAndTraceContext(log ?? {}, name, work),
        end: () => void (span.ended = true),
      };
    },
  };
  return { spans, tracing };
};
