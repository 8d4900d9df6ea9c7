import fc from 'fast-check';
import { parseClientFrame, WebChatProtocolError, WEBCHAT_LIMITS } from './webchat-frames';

function codeOf(raw: string): string | undefined {
  try {
    parseClientFrame(raw);
    return undefined;
  } catch (error) {
    return error instanceof WebChatProtocolError ? error.code : 'CRASH';
  }
}

describe(parseClientFrame.name, () => {
  it('reads every frame the widget sends', () => {
    expect(parseClientFrame('{"type":"hello","sessionToken":"t","lastSeq":4}')).toEqual({ type: 'hello', sessionToken: 't', lastSeq: 4 });
    expect(parseClientFrame('{"type":"hello"}')).toEqual({ type: 'hello', sessionToken: undefined, lastSeq: 0 });
    expect(parseClientFrame('{"type":"prechat","name":" Somchai ","email":"Somchai@Example.CO.TH"}')).toEqual({
      type: 'prechat',
      name: 'Somchai',
      email: 'somchai@example.co.th',
    });
    expect(parseClientFrame('{"type":"message","clientMessageId":"c1","text":"สวัสดีครับ"}')).toEqual({
      type: 'message',
      clientMessageId: 'c1',
      text: 'สวัสดีครับ',
    });
    expect(parseClientFrame('{"type":"typing","on":true}')).toEqual({ type: 'typing', on: true });
    expect(parseClientFrame('{"type":"read","upToSeq":7}')).toEqual({ type: 'read', upToSeq: 7 });
  });

  it.each([
    ['not json', 'BAD_FRAME'],
    ['[1,2]', 'BAD_FRAME'],
    ['{"type":"dance"}', 'BAD_FRAME'],
    ['{"type":"hello","lastSeq":-1}', 'BAD_FRAME'],
    ['{"type":"hello","lastSeq":1.5}', 'BAD_FRAME'],
    ['{"type":"prechat","name":"A","email":"not-an-address"}', 'BAD_FRAME'],
    ['{"type":"message","clientMessageId":"c","text":"   "}', 'BAD_FRAME'],
    ['{"type":"typing","on":"yes"}', 'BAD_FRAME'],
    [`{"type":"message","clientMessageId":"c","text":"${'x'.repeat(WEBCHAT_LIMITS.maxTextLength + 1)}"}`, 'TOO_LARGE'],
    [`{"type":"message","clientMessageId":"c","text":"${'x'.repeat(WEBCHAT_LIMITS.maxFrameBytes)}"}`, 'TOO_LARGE'],
  ])('refuses %s with %s', (raw, code) => {
    expect(codeOf(raw)).toBe(code);
  });

  it('never fails other than with a protocol error, whatever arrives', () => {
    const frames = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ type: fc.constantFrom('hello', 'prechat', 'message', 'typing', 'read'), text: fc.anything(), on: fc.anything(), lastSeq: fc.anything(), name: fc.anything(), email: fc.anything(), clientMessageId: fc.anything(), upToSeq: fc.anything() }).map((frame) => {
        try {
          return JSON.stringify(frame) ?? '';
        } catch {
          return '';
        }
      }),
    );
    fc.assert(fc.property(frames, (raw) => codeOf(raw) !== 'CRASH'), { numRuns: 2000 });
  });
});
