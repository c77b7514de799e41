/** The CLI's SSE framing: whatever way the bytes are cut, the same messages come out. */
import { SseParser } from '../../src/interfaces/cli/sse-parser';

const STREAM =
  ': connected\r\n\r\n' +
  'id: 7\r\nevent: ProcessStarted\r\ndata: {"position":7}\r\n\r\n' +
  ': heartbeat 2026-12-06T00:00:00Z\n\n' +
  'id: 9\nevent: StepCompleted\ndata: {"a":\ndata: 1}\n\n' +
  'id:12\revent:X\rdata:plain\r\r' +
  ': a CR at the end of a chunk may be half a CRLF, so the line after settles it\n';

const EXPECTED = [
  { id: '7', event: 'ProcessStarted', data: '{"position":7}' },
  { id: '9', event: 'StepCompleted', data: '{"a":\n1}' },
  { id: '12', event: 'X', data: 'plain' },
];

describe('SseParser', () => {
  it('parses LF, CR and CRLF lines, multi-line data, and skips comments', () => {
    expect(new SseParser().push(STREAM)).toEqual(EXPECTED);
  });

  it('gives the same messages for the stream cut at every byte, even inside a CRLF', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      const parser = new SseParser();
      const messages = [...parser.push(STREAM.slice(0, cut)), ...parser.push(STREAM.slice(cut))];
      expect({ cut, messages }).toEqual({ cut, messages: EXPECTED });
    }
  });

  it('holds back a message until its blank line arrives (a dropped connection prints nothing half)', () => {
    const parser = new SseParser();
    expect(parser.push('id: 1\ndata: {"whole":true}\n\nid: 2\ndata: {"cut')).toEqual([
      { id: '1', event: '', data: '{"whole":true}' },
    ]);
  });
});
