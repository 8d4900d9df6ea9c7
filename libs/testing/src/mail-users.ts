import { randomBytes } from 'node:crypto';
import { mailEndpoints } from './stack-endpoints';
import { testRunId } from './unique-names';

/** A mailbox on the GreenMail test server, reachable over SMTP and IMAP with these credentials. */
export interface MailUser {
  readonly email: string;
  readonly login: string;
  readonly password: string;
}

/**
 * Creates a fresh GreenMail user (login = address) so every test reads its own empty INBOX.
 * GreenMail keeps mail in memory only; `domain` may be any name, nothing is resolved.
 */
export async function newMailUser(prefix = 'user', domain = 'mail.test'): Promise<MailUser> {
  const local = `${prefix}-${testRunId()}-${randomBytes(4).toString('hex')}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  const user: MailUser = { email: `${local}@${domain}`, login: `${local}@${domain}`, password: randomBytes(9).toString('base64url') };
  const response = await fetch(`${mailEndpoints().apiUrl}/api/user`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (!response.ok) throw new Error(`GreenMail refused to create ${user.email}: ${response.status} ${await response.text()}`);
  return user;
}
