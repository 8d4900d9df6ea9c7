import { SecretBox, secretContext } from './secret-box';

describe(SecretBox.name, () => {
  const sut = new SecretBox('a-test-key-of-at-least-thirty-two-characters');

  it('round-trips secrets without storing them in clear', () => {
    const sealed = sut.seal({ auth_token: 'very-secret' }, secretContext('t1', 'a1'));
    expect(sealed.toString('latin1')).not.toContain('very-secret');
    expect(sut.open(sealed, secretContext('t1', 'a1'))).toEqual({ auth_token: 'very-secret' });
  });

  it('refuses another account, another key and tampering', () => {
    const sealed = sut.seal({ auth_token: 'x' }, secretContext('t1', 'a1'));
    expect(() => sut.open(sealed, secretContext('t2', 'a1'))).toThrow();
    expect(() => new SecretBox('another-key-of-at-least-thirty-two-characters').open(sealed, secretContext('t1', 'a1'))).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => sut.open(tampered, secretContext('t1', 'a1'))).toThrow();
    expect(() => new SecretBox('short')).toThrow();
  });
});
