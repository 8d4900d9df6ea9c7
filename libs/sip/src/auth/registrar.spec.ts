import { parseNameAddr } from '../message/header-values';
import { Registrar } from './registrar';

const contact = (text: string) => parseNameAddr(text);
const aor = 'sip:1001@cc.example';

describe(Registrar.name, () => {
  it('binds contacts with their expiry and forgets them once expired', () => {
    const sut = new Registrar();
    sut.register({ aor, contacts: [contact('<sip:1001@192.0.2.5:5062>;expires=120')], callId: 'c', cseq: 1, now: 0 });
    sut.register({ aor, contacts: [contact('<sip:1001@192.0.2.6>')], expiresHeader: 600, callId: 'd', cseq: 1, now: 0 });

    expect(sut.lookup(aor, 60_000).map((b) => b.contact)).toEqual(['sip:1001@192.0.2.5:5062', 'sip:1001@192.0.2.6']);
    expect(sut.lookup(aor, 121_000).map((b) => b.contact)).toEqual(['sip:1001@192.0.2.6']);
    expect(sut.lookup(aor, 601_000)).toEqual([]);
  });

  it('refreshes, removes with expires=0 and clears all with "*"', () => {
    const sut = new Registrar();
    sut.register({ aor, contacts: [contact('<sip:a@192.0.2.5>'), contact('<sip:b@192.0.2.5>')], callId: 'c', cseq: 1, now: 0 });
    sut.register({ aor, contacts: [contact('<sip:a@192.0.2.5>;expires=0')], callId: 'c', cseq: 2, now: 0 });
    expect(sut.lookup(aor, 0).map((b) => b.contact)).toEqual(['sip:b@192.0.2.5']);

    expect(sut.register({ aor, contacts: [contact('*')], expiresHeader: 0, callId: 'c', cseq: 3, now: 0 }).outcome).toBe('ok');
    expect(sut.lookup(aor, 0)).toEqual([]);
  });

  it('refuses too brief intervals, a "*" with other contacts and out-of-order refreshes', () => {
    const sut = new Registrar({ minExpiresSec: 60 });
    expect(sut.register({ aor, contacts: [contact('<sip:a@192.0.2.5>;expires=10')], callId: 'c', cseq: 1, now: 0 })).toEqual({
      outcome: 'interval-too-brief',
      minExpiresSec: 60,
    });
    expect(sut.register({ aor, contacts: [contact('*'), contact('<sip:a@192.0.2.5>')], expiresHeader: 0, callId: 'c', cseq: 1, now: 0 }).outcome).toBe('invalid');
    sut.register({ aor, contacts: [contact('<sip:a@192.0.2.5>')], callId: 'c', cseq: 5, now: 0 });
    expect(sut.register({ aor, contacts: [contact('<sip:a@192.0.2.5>')], callId: 'c', cseq: 4, now: 0 }).outcome).toBe('out-of-order');
  });
});
