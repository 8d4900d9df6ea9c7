import { InvalidChannelRequestError } from '../../domain/channel.errors';
import { emailAccountSettings, findEmailAccount } from './email-account.settings';

describe(emailAccountSettings.name, () => {
  it('defaults to inbound SMTP with the platform relay', () => {
    expect(emailAccountSettings({ address: 'Help@ACME.test', settings: {}, secrets: {} })).toEqual({ inbound: 'smtp' });
    expect(emailAccountSettings({ address: '@acme.test', settings: {}, secrets: {} })).toEqual({ inbound: 'smtp' });
  });

  it('reads an IMAP mailbox with its own relay', () => {
    const sut = emailAccountSettings({
      address: 'support@acme.test',
      settings: { inbound: 'imap', imap_host: 'imap.acme.test', smtp_host: 'smtp.acme.test', smtp_user: 'bot', from_name: ' ACME ' },
      secrets: { imap_password: 'i-secret', smtp_password: 's-secret' },
    });
    expect(sut).toEqual({
      inbound: 'imap',
      imap: { host: 'imap.acme.test', port: 993, secure: true, auth: { user: 'support@acme.test', pass: 'i-secret' }, mailbox: 'INBOX' },
      relay: { host: 'smtp.acme.test', port: 587, secure: false, requireTLS: true, auth: { user: 'bot', pass: 's-secret' } },
      fromName: 'ACME',
    });
  });

  it.each([
    [{ address: 'x@acme.test', settings: { inbound: 'pop3' }, secrets: {} }, /inbound must be smtp or imap/],
    [{ address: 'x@acme.test', settings: { inbound: 'imap', imap_host: 'h' }, secrets: {} }, /imap_password/],
    [{ address: 'x@acme.test', settings: { inbound: 'imap', imap_host: 'h', imap_port: '99999' }, secrets: { imap_password: 'p' } }, /imap_port/],
    [{ address: '@acme.test', settings: { inbound: 'imap', imap_host: 'h' }, secrets: { imap_password: 'p' } }, /neither an e-mail address/],
    [{ address: 'x@acme.test', settings: { smtp_host: 'bad host' }, secrets: {} }, /smtp_host/],
    [{ address: 'x@acme.test', settings: { smtp_host: 'h', smtp_user: 'u' }, secrets: {} }, /smtp_password/],
    [{ address: 'x@acme.test', settings: { imap_pasword: 'typo' }, secrets: {} }, /unknown settings: imap_pasword/],
  ])('refuses %j', (account, reason) => {
    expect(() => emailAccountSettings(account)).toThrow(InvalidChannelRequestError);
    expect(() => emailAccountSettings(account)).toThrow(reason);
  });
});

describe(findEmailAccount.name, () => {
  const accounts = [
    { id: 'domain', address: '@acme.test', disabled: false },
    { id: 'help', address: 'help@acme.test', disabled: false },
    { id: 'off', address: 'old@acme.test', disabled: true },
  ];

  it('prefers the exact address, then the domain, and skips disabled accounts', () => {
    expect(findEmailAccount('HELP@acme.test', accounts)?.id).toBe('help');
    expect(findEmailAccount('sales@acme.test', accounts)?.id).toBe('domain');
    expect(findEmailAccount('old@acme.test', accounts)?.id).toBe('domain');
    expect(findEmailAccount('help@other.test', accounts)).toBeNull();
  });
});
