import { type CountryCode, isSupportedCountry, parsePhoneNumberWithError } from 'libphonenumber-js';
import { InvalidIdentityError } from './history.errors';

export const IDENTITY_KINDS = ['phone', 'email', 'whatsapp', 'messenger', 'line', 'telegram', 'webchat', 'external'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** A normalised identity: equal people-facing addresses compare equal as strings. */
export interface CustomerIdentity {
  readonly kind: IdentityKind;
  readonly value: string;
}

/** The digital channels an event names, for identities that arrive without a kind. */
export type SenderChannel = 'voice' | 'chat' | 'email' | 'sms' | 'social' | 'task';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DIGITS = /^\d{5,32}$/;
const LINE_USER = /^U[0-9a-f]{32}$/;
const TELEGRAM = /^-?\d{1,20}$/;
const VISITOR = /^[A-Za-z0-9._:-]{1,128}$/;
const CONTROL = /\p{Cc}/u;

function phone(raw: string, defaultRegion: CountryCode | undefined, reason: string): string {
  try {
    const parsed = parsePhoneNumberWithError(raw, defaultRegion);
    if (!parsed.isValid()) throw new InvalidIdentityError(reason, `${raw} is not a valid phone number`);
    return parsed.number;
  } catch (error) {
    if (error instanceof InvalidIdentityError) throw error;
    throw new InvalidIdentityError(reason, `${raw} is not a phone number (${(error as Error).message})`);
  }
}

/**
 * Normalises an identity so one person's address has one spelling per kind: phones and
 * WhatsApp ids to E.164, e-mail lower-cased, platform ids checked against their shape.
 * National phone numbers need a default region; without one only international form passes.
 */
export function normalizeIdentity(kind: IdentityKind, raw: string, defaultRegion?: CountryCode): CustomerIdentity {
  const value = raw.trim();
  if (value === '') throw new InvalidIdentityError('identity-empty', `a ${kind} identity needs a value`);
  switch (kind) {
    case 'phone':
      return { kind, value: phone(value, defaultRegion, 'phone-invalid') };
    case 'whatsapp':
      // WhatsApp ids are the number's digits without "+".
      return { kind, value: phone(/^\d+$/.test(value) ? `+${value}` : value, undefined, 'whatsapp-invalid') };
    case 'email': {
      const lower = value.toLowerCase();
      if (!EMAIL.test(lower)) throw new InvalidIdentityError('email-invalid', `${value} is not an e-mail address`);
      return { kind, value: lower };
    }
    case 'messenger':
      if (!DIGITS.test(value)) throw new InvalidIdentityError('messenger-invalid', 'a Messenger id is 5 to 32 digits');
      return { kind, value };
    case 'line':
      if (!LINE_USER.test(value)) throw new InvalidIdentityError('line-invalid', 'a LINE user id is "U" and 32 lower-case hex digits');
      return { kind, value };
    case 'telegram':
      if (!TELEGRAM.test(value)) throw new InvalidIdentityError('telegram-invalid', 'a Telegram id is a number');
      return { kind, value };
    case 'webchat':
      if (!VISITOR.test(value)) throw new InvalidIdentityError('webchat-invalid', 'a visitor id is 1 to 128 of A-Z a-z 0-9 . _ : -');
      return { kind, value };
    case 'external':
      if (value.length > 256 || CONTROL.test(value)) throw new InvalidIdentityError('external-invalid', 'an external id is at most 256 printable characters');
      return { kind, value };
  }
}

export function isIdentityKind(value: string): value is IdentityKind {
  return (IDENTITY_KINDS as readonly string[]).includes(value);
}

export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

const KIND_BY_CHANNEL: Partial<Record<SenderChannel, IdentityKind>> = { voice: 'phone', sms: 'phone', email: 'email', chat: 'webchat' };

/**
 * The identity in an event's sender field: `kind:value` (e.g. `whatsapp:66812345678`,
 * `line:U4af4…`), or a bare value whose kind follows from the channel (voice and SMS a phone,
 * e-mail an address, chat a visitor id). Social channels must name the kind.
 */
export function parseSenderIdentity(raw: string, channel: SenderChannel | undefined, defaultRegion?: CountryCode): CustomerIdentity {
  const separator = raw.indexOf(':');
  const prefix = separator > 0 ? raw.slice(0, separator).toLowerCase() : '';
  if (isIdentityKind(prefix)) return normalizeIdentity(prefix, raw.slice(separator + 1), defaultRegion);
  const kind = channel && KIND_BY_CHANNEL[channel];
  if (!kind) throw new InvalidIdentityError('identity-kind-unknown', `"${raw}" names no kind and channel ${channel ?? 'unknown'} implies none`);
  return normalizeIdentity(kind, raw, defaultRegion);
}

/**
 * Identities that name the same person on another channel: a WhatsApp id is its phone number,
 * so an unknown WhatsApp sender joins the customer who owns that phone, and vice versa.
 */
export function siblingIdentities(identity: CustomerIdentity): CustomerIdentity[] {
  if (identity.kind === 'phone') return [{ kind: 'whatsapp', value: identity.value }];
  if (identity.kind === 'whatsapp') return [{ kind: 'phone', value: identity.value }];
  return [];
}

export const identityLabel = (identity: CustomerIdentity) => `${identity.kind}:${identity.value}`;
