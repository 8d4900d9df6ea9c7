import fc from 'fast-check';
import { SipParseError } from './sip-parse-error';
import { SipStreamFramer } from './sip-stream-framer';

const message = (n: number, body: string): string =>
  `OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK${n}\r\nl: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe(SipStreamFramer.name, () => {
  it('cuts any chunking of a stream into the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 40 }),
        (bodies, cuts) => {
          const messages = bodies.map((body, n) => message(n, body));
          const stream = Buffer.from(`\r\n\r\n${messages.join('\r\n')}`);
          const sut = new SipStreamFramer();
          const frames: string[] = [];
          let offset = 0;
          for (const size of [...cuts, stream.length]) {
            if (offset >= stream.length) break;
            frames.push(...sut.push(stream.subarray(offset, offset + size)).map((f) => f.toString()));
            offset += size;
          }
          expect(frames).toEqual(messages);
        },
      ),
    );
  });

  it('rejects an unusable Content-Length so the connection can be closed', () => {
    const sut = new SipStreamFramer();
    expect(() => sut.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n'))).toThrow(SipParseError);
  });
});
