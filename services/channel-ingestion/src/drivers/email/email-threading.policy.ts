import { createHash } from 'node:crypto';
import type { InboundEmail } from './email.types';

/** What the policy needs to know about one conversation of the same channel account. */
export interface KnownEmailConversation {
  readonly conversationKey: string;
  /** Message-IDs (with angle brackets) of the conversation's mails, inbound and outbound. */
  readonly messageIds: readonly string[];
  /** The token our replies put in the subject as `[#TOKEN]`. */
  readonly referenceToken: string;
  /** The customer's address; when set, a subject token only counts in mail from it. */
  readonly customerAddress?: string;
}

export type EmailThreadMatch = 'message-id' | 'in-reply-to' | 'references' | 'subject-token';

export type EmailThreadDecision =
  | { readonly kind: 'existing'; readonly conversationKey: string; readonly matchedBy: EmailThreadMatch }
  | { readonly kind: 'new'; readonly conversationKey: string; readonly referenceToken: string };

export type ThreadedEmail = Pick<InboundEmail, 'messageId' | 'inReplyTo' | 'references' | 'subject' | 'from'>;

// Crockford base32: no I, L, O, U, so a token read aloud or retyped survives.
const TOKEN_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TOKEN_LENGTH = 8;
const TOKEN_IN_SUBJECT = new RegExp(`\\[#([${TOKEN_ALPHABET}]{${TOKEN_LENGTH}})\\]`, 'gi');

function base32(bytes: Buffer, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += TOKEN_ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The subject token of a conversation: derived from its key, so it needs no storage of its own. */
export function referenceTokenFor(conversationKey: string): string {
  return base32(digest(`token:${conversationKey}`), TOKEN_LENGTH);
}

export function formatReferenceToken(token: string): string {
  return `[#${token}]`;
}

/** Tokens found in a subject, upper-cased, in order of appearance. */
export function subjectReferenceTokens(subject: string): string[] {
  return [...subject.matchAll(TOKEN_IN_SUBJECT)].map((match) => match[1].toUpperCase());
}

/** The subject without our reference tokens (for display and for composing replies). */
export function stripReferenceTokens(subject: string): string {
  return subject.replace(TOKEN_IN_SUBJECT, ' ').replace(/\s{2,}/g, ' ').trim();
}

/**
 * The ids worth looking up for a mail, most specific first: its own id (a redelivery), then
 * In-Reply-To, then References newest first. A repository fetches the conversations holding
 * any of them and hands them to `resolveEmailThread`.
 */
export function threadLookupIds(mail: Pick<InboundEmail, 'messageId' | 'inReplyTo' | 'references'>): string[] {
  return [...new Set([mail.messageId, ...mail.inReplyTo, ...[...mail.references].reverse()])];
}

/**
 * The key of a conversation that starts with this mail: derived from the thread's root (first
 * of References, else In-Reply-To, else its own id), so mails of one thread that arrive before
 * any of them is stored, or again after a retry, still land in one conversation. Keys are
 * unique per channel account, not globally.
 */
export function newConversationKey(mail: Pick<InboundEmail, 'messageId' | 'inReplyTo' | 'references'>): string {
  const root = mail.references[0] ?? mail.inReplyTo[0] ?? mail.messageId;
  return `email-${base32(digest(`root:${root}`), 26).toLowerCase()}`;
}

/**
 * Which conversation an inbound mail continues. Header matches win over the subject token
 * (they cannot be typed by hand); a token alone only counts when the sender is the
 * conversation's customer, so a guessed token cannot inject mail into someone else's thread.
 */
export function resolveEmailThread(mail: ThreadedEmail, known: readonly KnownEmailConversation[]): EmailThreadDecision {
  const byId = new Map<string, string>();
  for (const conversation of known) {
    for (const id of conversation.messageIds) byId.set(id, conversation.conversationKey);
  }
  const headerCandidates: Array<[string | undefined, EmailThreadMatch]> = [
    [mail.messageId, 'message-id'],
    ...mail.inReplyTo.map((id): [string, EmailThreadMatch] => [id, 'in-reply-to']),
    ...[...mail.references].reverse().map((id): [string, EmailThreadMatch] => [id, 'references']),
  ];
  for (const [id, matchedBy] of headerCandidates) {
    const conversationKey = id === undefined ? undefined : byId.get(id);
    if (conversationKey) return { kind: 'existing', conversationKey, matchedBy };
  }
  const sender = mail.from?.address;
  for (const token of subjectReferenceTokens(mail.subject)) {
    const match = known.find(
      (c) => c.referenceToken.toUpperCase() === token && (!c.customerAddress || c.customerAddress.toLowerCase() === sender),
    );
    if (match) return { kind: 'existing', conversationKey: match.conversationKey, matchedBy: 'subject-token' };
  }
  const conversationKey = newConversationKey(mail);
  return { kind: 'new', conversationKey, referenceToken: referenceTokenFor(conversationKey) };
}
