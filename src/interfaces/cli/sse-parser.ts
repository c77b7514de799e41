/**
 * Server-Sent Events framing (the WHATWG rules the CLI needs): messages end at a blank line,
 * `field: value` lines build them, lines starting with `:` are comments (the feed's heartbeats),
 * and LF, CR or CRLF all end a line. Chunks may split anywhere, even inside a CRLF.
 */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export class SseParser {
  private pending = '';
  private id: string | null = null;
  private event = '';
  private data: string[] = [];
  private hasData = false;

  /** Feeds a decoded chunk; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.pending += chunk;
    const done: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.pending);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.pending.length - 1) break;
      const line = this.pending.slice(0, match.index);
      this.pending = this.pending.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) done.push(message);
    }
    return done;
  }

  private line(line: string): SseMessage | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') this.id = value;
    else if (field === 'event') this.event = value;
    else if (field === 'data') {
      this.data.push(value);
      this.hasData = true;
    }
    return null;
  }

  private dispatch(): SseMessage | null {
    const message = this.hasData
      ? { id: this.id, event: this.event, data: this.data.join('\n') }
      : null;
    this.event = '';
    this.data = [];
    this.hasData = false;
    return message;
  }
}
