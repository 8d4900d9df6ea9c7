import { SipHeaders } from '../message/sip-headers';
import type { SipRequest } from '../message/sip-message';
import { authorizationFor, DigestAuthenticator, digestHa1, digestResponse } from './digest';

const register = (authorization?: string): SipRequest => ({
  kind: 'request',
  method: 'REGISTER',
  uri: 'sip:cc.example',
  headers: SipHeaders.from({
    via: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKr',
    from: '<sip:1001@cc.example>;tag=f',
    to: '<sip:1001@cc.example>',
    'call-id': 'reg@192.0.2.1',
    cseq: '1 REGISTER',
    ...(authorization ? { authorization } : {}),
  }),
  body: Buffer.alloc(0),
});

describe(digestResponse.name, () => {
  it('matches the worked example of RFC 2617 §3.5', () => {
    expect(
      digestResponse({
        username: 'Mufasa',
        realm: 'testrealm@host.com',
        password: 'Circle Of Life',
        method: 'GET',
        uri: '/dir/index.html',
        nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
        qop: 'auth',
        nc: '00000001',
        cnonce: '0a4f113b',
      }),
    ).toBe('6629fae49393a05397450978507c4ef1');
  });
});

describe(digestHa1.name, () => {
  it('is MD5(username:realm:password) in lower-case hex (RFC 2617 §3.5 user)', () => {
    expect(digestHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe('939e7578ed9e3c518a452acee763bce9');
  });
});

describe(DigestAuthenticator.name, () => {
  const sut = new DigestAuthenticator({ realm: 'cc.example', lookupPassword: (user) => (user === '1001' ? 'secret' : undefined) });
  const answer = (challenge: string, password: string, user = '1001'): string =>
    authorizationFor(challenge, { username: user, password }, 'REGISTER', 'sip:cc.example');

  it('challenges a request without credentials', async () => {
    const verdict = await sut.verify(register(), 1000);

    expect(verdict.outcome).toBe('challenge');
    expect(verdict.outcome === 'challenge' && verdict.challenge).toMatch(/^Digest realm="cc.example", nonce="[^"]+", algorithm=MD5, qop="auth"$/);
  });

  it('accepts the right password and forbids a wrong one or an unknown user', async () => {
    const challenge = sut.challenge(1000);

    expect(await sut.verify(register(answer(challenge, 'secret')), 2000)).toEqual({ outcome: 'ok', username: '1001' });
    expect((await sut.verify(register(answer(challenge, 'wrong')), 2000)).outcome).toBe('forbidden');
    expect((await sut.verify(register(answer(challenge, 'secret', 'nobody')), 2000)).outcome).toBe('forbidden');
  });

  it('asks again with stale=true when the nonce expired, and re-challenges a forged nonce', async () => {
    const challenge = sut.challenge(1000);
    const stale = await sut.verify(register(answer(challenge, 'secret')), 1000 + 5 * 60_000 + 1);
    const forged = await sut.verify(register(answer(challenge.replace(/nonce="[^"]+"/, 'nonce="3e8.forged"'), 'secret')), 2000);

    expect(stale.outcome === 'challenge' && stale.challenge).toContain('stale=true');
    expect(forged.outcome).toBe('challenge');
  });
});

describe('DigestAuthenticator with stored HA1', () => {
  const stored = digestHa1('1001', 'cc.example', 'secret');
  const sut = new DigestAuthenticator({ realm: 'cc.example', lookupHa1: (user) => (user === '1001' ? stored.toUpperCase() : undefined) });
  const answer = (challenge: string, password: string, user = '1001'): string =>
    authorizationFor(challenge, { username: user, password }, 'REGISTER', 'sip:cc.example');

  it('accepts the right password, forbids a wrong one or an unknown user, and never needs the password', async () => {
    const challenge = sut.challenge(1000);

    expect(await sut.verify(register(answer(challenge, 'secret')), 2000)).toEqual({ outcome: 'ok', username: '1001' });
    expect(await sut.verify(register(answer(challenge, 'wrong')), 2000)).toMatchObject({ outcome: 'forbidden', detail: 'wrong credentials' });
    expect(await sut.verify(register(answer(challenge, 'secret', 'nobody')), 2000)).toMatchObject({ outcome: 'forbidden', detail: 'unknown user' });
  });

  it('keeps the stale-nonce rule', async () => {
    const stale = await sut.verify(register(answer(sut.challenge(1000), 'secret')), 1000 + 5 * 60_000 + 1);

    expect(stale.outcome === 'challenge' && stale.challenge).toContain('stale=true');
  });

  it('refuses to be built without any credential lookup', () => {
    expect(() => new DigestAuthenticator({ realm: 'cc.example' })).toThrow(/lookupPassword or lookupHa1/);
  });
});
