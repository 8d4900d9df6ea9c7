import { WebChatSessionCodec } from './webchat-session.codec';

describe(WebChatSessionCodec.name, () => {
  const sut = new WebChatSessionCodec('0123456789abcdef0123456789abcdef');

  it('gives back the visitor of a token it issued for the same widget', () => {
    const { token, visitorId } = sut.issue('widget-a');
    expect(sut.verify(token, 'widget-a')).toBe(visitorId);
  });

  it('refuses a token of another widget, a forged signature and garbage', () => {
    const { token } = sut.issue('widget-a', 'visitor-1');
    const [payload] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ w: 'widget-a', v: 'visitor-2' })).toString('base64url');
    expect(sut.verify(token, 'widget-b')).toBeNull();
    expect(sut.verify(`${forgedPayload}.${token.split('.')[1]}`, 'widget-a')).toBeNull();
    expect(sut.verify(`${payload}.AAAA`, 'widget-a')).toBeNull();
    expect(sut.verify('', 'widget-a')).toBeNull();
    expect(sut.verify('a.b.c', 'widget-a')).toBeNull();
    expect(new WebChatSessionCodec('another-secret-of-at-least-32-chars!').verify(token, 'widget-a')).toBeNull();
  });

  it('will not run on a short secret', () => {
    expect(() => new WebChatSessionCodec('short')).toThrow(/32 characters/);
  });
});
