import { InvalidHistoryRequestError } from './history.errors';
import { PageCursorCodec } from './page-cursor.codec';

describe(PageCursorCodec.name, () => {
  const sut = new PageCursorCodec('a-secret-of-at-least-thirty-two-characters');
  const position = { at: 1_736_150_400_000, kind: 'interaction', id: 'i-1' };

  it('round-trips a position for the same query', () => {
    const token = sut.encode('tenant/customer', position);

    expect(sut.decode('tenant/customer', token)).toEqual(position);
    expect(sut.decode('tenant/customer', '')).toBeUndefined();
  });

  it('refuses a token replayed against another query', () => {
    const token = sut.encode('tenant/customer-a', position);

    expect(() => sut.decode('tenant/customer-b', token)).toThrow(InvalidHistoryRequestError);
  });

  it('refuses altered, truncated and forged tokens', () => {
    const token = sut.encode('q', position);
    const [body, mac] = token.split('.');
    const altered = Buffer.from(JSON.stringify({ q: 'q', p: { ...position, at: 0 } })).toString('base64url');
    const forged = new PageCursorCodec('another-secret-of-thirty-two-characters!').encode('q', position);

    for (const bad of [`${altered}.${mac}`, `${body}x.${mac}`, `${body}.${mac}x`, body, `${body}.${mac}.x`, `${body}.AAAA`, forged, 'garbage']) {
      expect(() => sut.decode('q', bad)).toThrow(/^page-token-invalid/);
    }
  });
});
