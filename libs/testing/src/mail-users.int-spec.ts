import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { newMailUser } from './mail-users';
import { mailEndpoints } from './stack-endpoints';

describe(newMailUser.name, () => {
  it('creates a GreenMail user that receives over SMTP and reads its INBOX over IMAP', async () => {
    const { host, smtpPort, imapPort } = mailEndpoints();
    const user = await newMailUser('stack-mail');
    expect(user.email).toMatch(/^stack-mail-[a-z0-9-]+@mail\.test$/);

    const smtp = createTransport({ host, port: smtpPort, secure: false, ignoreTLS: true });
    try {
      await smtp.sendMail({ from: 'probe@example.com', to: user.email, subject: 'สวัสดี', text: 'hello' });
    } finally {
      smtp.close();
    }

    const imap = new ImapFlow({ host, port: imapPort, secure: false, auth: { user: user.login, pass: user.password }, logger: false });
    await imap.connect();
    try {
      const box = await imap.mailboxOpen('INBOX');
      expect(box.exists).toBe(1);
      const message = await imap.fetchOne('1', { envelope: true });
      expect(message && message.envelope?.subject).toBe('สวัสดี');
    } finally {
      await imap.logout();
    }
  });

  it('rejects IMAP logins with a wrong password', async () => {
    const { host, imapPort } = mailEndpoints();
    const user = await newMailUser('stack-mail');
    const imap = new ImapFlow({ host, port: imapPort, secure: false, auth: { user: user.login, pass: 'wrong' }, logger: false });
    imap.on('error', () => undefined);
    await expect(imap.connect()).rejects.toThrow();
  });
});
