import { SipParseError } from './sip-parse-error';

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Cuts a TCP byte stream into SIP messages using Content-Length (RFC 3261 §18.3). Pure: feed
 * chunks, get whole frames. After a framing error the stream cannot be resynchronised, so the
 * caller closes the connection.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Buffer[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 0x0d || this.buffer[start] === 0x0a)) start++;
      if (start) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf('\r\n\r\n', 0, 'latin1');
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) throw new SipParseError(513, 'Message Too Large', 'header section too large');
        return frames;
      }
      const head = this.buffer.subarray(0, end).toString('latin1');
      const match = /(?:^|\r\n)(?:content-length|l)[ \t]*:[ \t]*(\S*)/i.exec(head);
      const length = match ? Number(match[1]) : 0;
      if (match && (!/^\d+$/.test(match[1]) || length > MAX_BODY_BYTES)) {
        throw new SipParseError(400, 'Bad Content-Length', `Content-Length "${match[1]}" on a stream`);
      }
      const total = end + 4 + length;
      if (this.buffer.length < total) return frames;
      frames.push(Buffer.from(this.buffer.subarray(0, total)));
      this.buffer = this.buffer.subarray(total);
    }
  }
}
