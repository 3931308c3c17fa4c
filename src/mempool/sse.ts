/** One dispatched server-sent event: its type ('message' unless an `event:` line said otherwise), data and id. */
export type SseEvent = { type: string; data: string; id?: string };

/**
 * An incremental `text/event-stream` parser following the WHATWG rules (HTML, "Parsing an event stream"): lines
 * end in CRLF, LF or CR; `data:` lines accumulate (joined by LF); a blank line dispatches the event if it has
 * data; `:` lines are comments (the relay's `:ping` heartbeat, counted); a single space after the colon is
 * dropped; unknown fields are ignored. Text arrives in arbitrary chunks; an event is only ever returned whole, so
 * a stream that ends mid-event loses that event (the rules say so) and a new connection starts a new parser. Pure.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private type = '';
  private id: string | undefined;
  private lastId: string | undefined;
  /** Comment lines seen (heartbeats). */
  comments = 0;
  /** The server's `retry:` reconnection time, if it sent one. */
  retryMs: number | undefined;

  /** True while part of an event (or of a line) has arrived without its end. */
  get pending(): boolean {
    return this.buffer.length > 0 || this.data.length > 0 || this.type !== '' || this.id !== undefined;
  }

  /** Characters held waiting for the end of a line (a cap on them is the caller's guard against an endless line). */
  get bufferedChars(): number {
    return this.buffer.length + this.data.reduce((sum, line) => sum + line.length, 0);
  }

  feed(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = this.buffer.indexOf('\n', start);
      const cr = this.buffer.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF split across chunks: wait for the next one.
        if (cr === this.buffer.length - 1) break;
        end = cr;
        next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else if (lf >= 0) {
        end = lf;
        next = lf + 1;
      } else break;
      const event = this.line(this.buffer.slice(start, end));
      if (event) events.push(event);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.type = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    if (this.id !== undefined) this.lastId = this.id;
    const data = this.data;
    const type = this.type || 'message';
    const id = this.id;
    this.data = [];
    this.type = '';
    this.id = undefined;
    if (data.length === 0) return undefined;
    return { type, data: data.join('\n'), ...(id !== undefined ? { id } : {}) };
  }

  /** The last event id the server set (for a `Last-Event-ID` header on reconnect). */
  get lastEventId(): string | undefined {
    return this.lastId;
  }
}
