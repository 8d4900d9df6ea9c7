import type { ChannelAccount, ChannelAccountWithSecrets } from '../../domain/channel-account';
import { InvalidChannelRequestError } from '../../domain/channel.errors';
import type { SmtpTransportConfig } from './smtp-reply.sender';

/**
 * How an email channel account is configured (ChannelAccount.settings / secrets):
 * - `address`: `help@acme.example` for one address, `@acme.example` for a whole domain whose MX
 *   points at our inbound SMTP server; for an IMAP account, the mailbox's own address.
 * - settings `inbound`: `smtp` (default: mail arrives at our MX) or `imap` (we poll a mailbox)
 *   with `imap_host`, `imap_port` (993), `imap_secure` (true), `imap_user` (the address),
 *   `imap_mailbox` (INBOX) and secret `imap_password`.
 * - optional own relay for replies: `smtp_host`, `smtp_port` (587), `smtp_secure` (false),
 *   `smtp_user` with secret `smtp_password`; without it replies use the platform relay.
 * - optional `from_name`: the display name on replies.
 */
export const EMAIL_SETTING_KEYS = [
  'inbound',
  'imap_host',
  'imap_port',
  'imap_secure',
  'imap_user',
  'imap_mailbox',
  'smtp_host',
  'smtp_port',
  'smtp_secure',
  'smtp_user',
  'from_name',
] as const;

export interface ImapSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly auth: { readonly user: string; readonly pass: string };
  readonly mailbox: string;
}

export interface EmailAccountSettings {
  readonly inbound: 'smtp' | 'imap';
  /** Set when `inbound` is `imap`. */
  readonly imap?: ImapSettings;
  /** The account's own relay for replies, when it has one. */
  readonly relay?: SmtpTransportConfig;
  readonly fromName?: string;
}

const HOST = /^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]+\]$/;
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^@[^\s@]+\.[^\s@]+$/;

const invalid = (detail: string) => new InvalidChannelRequestError('email-settings-invalid', detail);

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw invalid(`${name} must be a port number, got ${JSON.stringify(value)}`);
  return n;
}

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function host(value: string | undefined, name: string): string {
  if (!value || !HOST.test(value)) throw invalid(`${name} must be a host name`);
  return value;
}

/** Checks the account address: one mailbox address, or `@domain` for a whole domain. */
export function checkEmailAccountAddress(address: string, inbound: 'smtp' | 'imap'): string {
  const lower = address.trim().toLowerCase();
  if (ADDRESS.test(lower) || (inbound === 'smtp' && DOMAIN.test(lower))) return lower;
  throw invalid(`${JSON.stringify(address)} is neither an e-mail address${inbound === 'smtp' ? ' nor @domain' : ''}`);
}

/** Reads and validates an email account's settings; InvalidChannelRequestError names the bad one. */
export function emailAccountSettings(account: Pick<ChannelAccountWithSecrets, 'address' | 'settings' | 'secrets'>): EmailAccountSettings {
  const { settings, secrets } = account;
  const unknown = Object.keys(settings).filter((key) => !(EMAIL_SETTING_KEYS as readonly string[]).includes(key));
  if (unknown.length) throw invalid(`unknown settings: ${unknown.join(', ')}`);
  const inbound = settings.inbound ?? 'smtp';
  if (inbound !== 'smtp' && inbound !== 'imap') throw invalid(`inbound must be smtp or imap, got ${JSON.stringify(inbound)}`);
  const address = checkEmailAccountAddress(account.address, inbound);
  let imap: ImapSettings | undefined;
  if (inbound === 'imap') {
    if (!secrets.imap_password) throw invalid('an imap account needs the secret imap_password');
    imap = {
      host: host(settings.imap_host, 'imap_host'),
      port: port(settings.imap_port, 993, 'imap_port'),
      secure: flag(settings.imap_secure, true, 'imap_secure'),
      auth: { user: settings.imap_user || address, pass: secrets.imap_password },
      mailbox: settings.imap_mailbox || 'INBOX',
    };
  }
  let relay: SmtpTransportConfig | undefined;
  if (settings.smtp_host) {
    if (settings.smtp_user && !secrets.smtp_password) throw invalid('smtp_user needs the secret smtp_password');
    relay = {
      host: host(settings.smtp_host, 'smtp_host'),
      port: port(settings.smtp_port, 587, 'smtp_port'),
      secure: flag(settings.smtp_secure, false, 'smtp_secure'),
      // A tenant's relay carries customer data: never in clear text unless it is implicit TLS.
      requireTLS: !flag(settings.smtp_secure, false, 'smtp_secure'),
      ...(settings.smtp_user ? { auth: { user: settings.smtp_user, pass: secrets.smtp_password } } : {}),
    };
  }
  const fromName = settings.from_name?.trim();
  return { inbound, ...(imap ? { imap } : {}), ...(relay ? { relay } : {}), ...(fromName ? { fromName } : {}) };
}

/**
 * The account an envelope recipient belongs to among a tenant-wide list of email accounts:
 * an exact address wins over a `@domain` account; disabled accounts never match.
 */
export function findEmailAccount<T extends Pick<ChannelAccount, 'address' | 'disabled'>>(recipient: string, accounts: readonly T[]): T | null {
  const lower = recipient.trim().toLowerCase();
  const domain = `@${lower.split('@').pop()}`;
  const enabled = accounts.filter((a) => !a.disabled);
  return enabled.find((a) => a.address.toLowerCase() === lower) ?? enabled.find((a) => a.address.toLowerCase() === domain) ?? null;
}
