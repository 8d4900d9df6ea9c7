import { InvalidIdentityError } from './history.errors';
import { normalizeIdentity, parseSenderIdentity, siblingIdentities } from './customer-identity';

describe(normalizeIdentity.name, () => {
  it('normalises phone numbers to E.164, national ones with a default region', () => {
    expect(normalizeIdentity('phone', ' +66 81 234 5678 ')).toEqual({ kind: 'phone', value: '+66812345678' });
    expect(normalizeIdentity('phone', '081 234 5678', 'TH')).toEqual({ kind: 'phone', value: '+66812345678' });
    expect(normalizeIdentity('whatsapp', '380501234567')).toEqual({ kind: 'whatsapp', value: '+380501234567' });
  });

  it('lower-cases e-mail addresses', () => {
    expect(normalizeIdentity('email', 'Nguyen.Van.A@Example.VN')).toEqual({ kind: 'email', value: 'nguyen.van.a@example.vn' });
  });

  it.each([
    ['phone', '12345', 'phone-invalid'],
    ['phone', '081 234 5678', 'phone-invalid'],
    ['email', 'not-an-address', 'email-invalid'],
    ['line', 'U123', 'line-invalid'],
    ['messenger', 'abc', 'messenger-invalid'],
    ['telegram', '12a', 'telegram-invalid'],
    ['webchat', 'has space', 'webchat-invalid'],
    ['email', '  ', 'identity-empty'],
  ] as const)('refuses %s %p with reason %s', (kind, raw, reason) => {
    const sut = () => normalizeIdentity(kind, raw);

    expect(sut).toThrow(InvalidIdentityError);
    expect(sut).toThrow(new RegExp(`^${reason}:`));
  });
});

describe(parseSenderIdentity.name, () => {
  it('reads a kind prefix, else infers the kind from the channel', () => {
    expect(parseSenderIdentity('line:U4af4980629a1b2c3d4e5f60718293a4b', 'social')).toEqual({ kind: 'line', value: 'U4af4980629a1b2c3d4e5f60718293a4b' });
    expect(parseSenderIdentity('+66812345678', 'sms')).toEqual({ kind: 'phone', value: '+66812345678' });
    expect(parseSenderIdentity('visitor-42', 'chat')).toEqual({ kind: 'webchat', value: 'visitor-42' });
    expect(parseSenderIdentity('A@B.CO', 'email')).toEqual({ kind: 'email', value: 'a@b.co' });
  });

  it('refuses a bare social sender, whose kind nothing tells', () => {
    expect(() => parseSenderIdentity('12345678', 'social')).toThrow(/^identity-kind-unknown/);
  });
});

describe(siblingIdentities.name, () => {
  it('pairs a phone number with the WhatsApp id of the same number', () => {
    expect(siblingIdentities({ kind: 'phone', value: '+66812345678' })).toEqual([{ kind: 'whatsapp', value: '+66812345678' }]);
    expect(siblingIdentities({ kind: 'whatsapp', value: '+66812345678' })).toEqual([{ kind: 'phone', value: '+66812345678' }]);
    expect(siblingIdentities({ kind: 'email', value: 'a@b.co' })).toEqual([]);
  });
});
