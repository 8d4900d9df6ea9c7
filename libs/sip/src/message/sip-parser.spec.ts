import fc from 'fast-check';
import { parseVia } from './header-values';
import { cseqOf, fromTag, topVia, vias } from './sip-message';
import { SipParseError } from './sip-parse-error';
import { parseMessage } from './sip-parser';
import { serializeMessage } from './sip-serializer';

const invite = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport',
  'v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy, SIP/2.0/TCP 10.0.0.1:5070;branch=z9hG4bKx',
  'Max-Forwards: 70',
  't: Bob <sip:bob@biloxi.example.com>',
  'f: "Alice, A." <sip:alice@atlanta.example.com>;tag=1928301774',
  'i: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'm: <sip:alice@pc33.atlanta.example.com>',
  'Subject: a folded',
  '  header value',
  'c: application/sdp',
  'l: 4',
  '',
  'v=0\r\nignored',
].join('\r\n');

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

function expectParseError(text: string, status: number, reason?: string): SipParseError {
  try {
    parseMessage(bytes(text));
  } catch (error) {
    expect(error).toBeInstanceOf(SipParseError);
    const parseError = error as SipParseError;
    expect(parseError.status).toBe(status);
    if (reason) expect(parseError.reason).toBe(reason);
    return parseError;
  }
  throw new Error('expected a parse error');
}

describe(parseMessage.name, () => {
  it('reads compact forms, header lists, folding and the body by Content-Length', () => {
    const sut = parseMessage(bytes(invite));

    expect(sut.kind).toBe('request');
    expect(sut.kind === 'request' && sut.method).toBe('INVITE');
    expect(vias(sut).map((v) => v.params.get('branch'))).toEqual(['z9hG4bK776asdhds', 'z9hG4bKproxy', 'z9hG4bKx']);
    expect(topVia(sut).params.get('rport')).toBeNull();
    expect(sut.headers.get('call-id')).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(fromTag(sut)).toBe('1928301774');
    expect(cseqOf(sut)).toEqual({ seq: 314159, method: 'INVITE' });
    expect(sut.headers.get('subject')).toBe('a folded header value');
    expect(sut.body.toString()).toBe('v=0\r');
  });

  it('serializes to a message that parses back to the same headers', () => {
    const first = parseMessage(bytes(invite));
    const second = parseMessage(serializeMessage(first));

    for (const name of first.headers.names().filter((n) => n !== 'content-length')) {
      expect(second.headers.getAll(name)).toEqual(first.headers.getAll(name));
    }
    expect(second.body).toEqual(first.body);
  });

  it.each([
    ['Missing Via', /^(Via|v):.*\r\n/gm, ''],
    ['Missing Call-ID', /^i:.*\r\n/m, ''],
    ['Missing CSeq', /^CSeq:.*\r\n/m, ''],
    ['Bad CSeq', /^CSeq:.*$/m, 'CSeq: abc INVITE'],
    ['CSeq Method Mismatch', /^CSeq:.*$/m, 'CSeq: 1 BYE'],
    ['Bad Content-Length', /^l:.*$/m, 'l: 999'],
    ['Bad Via', /^Via:.*$/m, 'Via: nonsense'],
    ['Bad Header', /^Max-Forwards: 70$/m, 'this line has no colon'],
    ['Bad Request Line', /^INVITE .*$/m, 'INVITE'],
  ])('answers %s with 400 and keeps the headers it could read', (reason, pattern, replacement) => {
    const error = expectParseError(invite.replace(pattern, replacement), 400, reason);

    expect(error.isRequest).toBe(true);
    if (reason !== 'Missing Call-ID') expect(error.headers?.get('call-id')).toBe('a84b4c76e66710@pc33.atlanta.example.com');
  });

  it('answers another SIP version with 505', () => {
    expectParseError(invite.replace('sip:bob@biloxi.example.com SIP/2.0', 'sip:bob@biloxi.example.com SIP/3.0'), 505);
  });

  it('parses responses and rejects impossible status codes', () => {
    const ok = invite.replace(/^INVITE .*$/m, 'SIP/2.0 200 OK');
    expect(parseMessage(bytes(ok))).toMatchObject({ kind: 'response', status: 200, reason: 'OK' });
    expectParseError(invite.replace(/^INVITE .*$/m, 'SIP/2.0 999 Nope'), 400, 'Bad Status');
  });

  it('requires Content-Length on streams', () => {
    expect(() => parseMessage(bytes(invite.replace(/^l:.*\r\n/m, '')), { stream: true })).toThrow(SipParseError);
  });

  it('throws nothing but SipParseError for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        try {
          parseMessage(Buffer.from(data));
        } catch (error) {
          if (!(error instanceof SipParseError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('throws nothing but SipParseError for mutated valid messages, and what parses round-trips', () => {
    const source = bytes(invite);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(source.length - 1), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(source.length - 1), length: fc.integer({ min: 1, max: 40 }) }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(source.length - 1),
        text: fc.constantFrom(';', ',', '<', '>', '"', ':', '\r\n', ' ', '=', '\\', '@', 'z9hG4bK', '\t', '\x00', 'é'),
      }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let data = Buffer.from(source);
        for (const m of mutations) {
          const at = Math.min(m.at, data.length);
          if (m.kind === 'flip' && at < data.length) data[at] = m.byte;
          if (m.kind === 'cut') data = Buffer.concat([data.subarray(0, at), data.subarray(at + m.length)]);
          if (m.kind === 'insert') data = Buffer.concat([data.subarray(0, at), Buffer.from(m.text, 'latin1'), data.subarray(at)]);
        }
        let parsed;
        try {
          parsed = parseMessage(data);
        } catch (error) {
          if (!(error instanceof SipParseError)) throw error;
          return;
        }
        const again = parseMessage(serializeMessage(parsed));
        expect(again.headers.getAll('via').map(parseVia)).toEqual(parsed.headers.getAll('via').map(parseVia));
        expect(again.body).toEqual(parsed.body);
      }),
      { numRuns: 3000 },
    );
  });
});
