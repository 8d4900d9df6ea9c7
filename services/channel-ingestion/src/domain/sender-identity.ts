import { type CountryCode, isSupportedCountry, parsePhoneNumberWithError } from 'libphonenumber-js';
import { MalformedPayloadError } from './channel.errors';

/** How the platform names a customer on a channel; the kinds match interaction history's. */
export type SenderKind = 'phone' | 'email' | 'whatsapp' | 'messenger' | 'line' | 'telegram' | 'webchat' | 'external';

export interface SenderIdentity {
  readonly kind: SenderKind;
  /** E.164 for phone and WhatsApp, lower-case for e-mail, the provider's user id otherwise. */
  readonly value: string;
  readonly displayName?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PROVIDER_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

function e164(raw: string, defaultRegion: CountryCode | undefined, kind: SenderKind): string {
  try {
    const parsed = parsePhoneNumberWithError(raw, defaultRegion);
    if (parsed.isValid()) return parsed.number;
  } catch {
    // Reported below with the reason every caller expects.
  }
  throw new MalformedPayloadError(`${kind}-sender-invalid`, `${JSON.stringify(raw.slice(0, 64))} is not a valid phone number`);
}

/**
 * Normalises a sender so one person has one spelling per kind (history matches on it):
 * phones via libphonenumber-js to E.164, WhatsApp ids (digits without "+") likewise, e-mail
 * lower-cased, provider user ids checked for shape.
 */
export function senderIdentity(kind: SenderKind, raw: string, options: { defaultRegion?: CountryCode; displayName?: string } = {}): SenderIdentity {
  const trimmed = raw.trim();
  if (trimmed === '') throw new MalformedPayloadError('sender-missing', `the ${kind} sender is empty`);
  const displayName = options.displayName?.trim().slice(0, 200) || undefined;
  switch (kind) {
    case 'phone':
      return { kind, value: e164(trimmed, options.defaultRegion, kind), displayName };
    case 'whatsapp':
      return { kind, value: e164(/^\d+$/.test(trimmed) ? `+${trimmed}` : trimmed, undefined, kind), displayName };
    case 'email': {
      const lower = trimmed.toLowerCase();
      if (!EMAIL.test(lower) || lower.length > 320) throw new MalformedPayloadError('email-sender-invalid', `${JSON.stringify(trimmed.slice(0, 64))} is not an e-mail address`);
      return { kind, value: lower, displayName };
    }
    default:
      if (!PROVIDER_ID.test(trimmed)) throw new MalformedPayloadError(`${kind}-sender-invalid`, 'a provider user id is 1 to 128 of A-Z a-z 0-9 . _ : @ -');
      return { kind, value: trimmed, displayName };
  }
}

/** `kind:value`, the form events carry (MessageReceived.sender_identity, InteractionRequested.customer_identity). */
export const identityLabel = (identity: SenderIdentity): string => `${identity.kind}:${identity.value}`;

/** An account's default region for national numbers, when it names a supported one. */
export function regionOf(value: string | undefined): CountryCode | undefined {
  return value && isSupportedCountry(value) ? value : undefined;
}
