import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type EmailAddress as ParsedAddress } from 'mailparser';
import type { EmailAddress, EmailAttachment, InboundEmail } from './email.types';

const BRACKETED_ID = /<[^<>\s]+>/g;

/**
 * Message ids in a header value, in order, with angle brackets. Some clients write bare ids
 * (`abc@host`) or add comments (`<a@b> (Jane's message)`): bracketed ids win, bare tokens
 * with an `@` are accepted when there are none.
 */
export function extractMessageIds(value: string | readonly string[] | undefined): string[] {
  if (!value) return [];
  const joined = typeof value === 'string' ? value : value.join(' ');
  const bracketed = joined.match(BRACKETED_ID);
  const ids = bracketed ?? joined.split(/[\s,]+/).filter((token) => /^[^<>()\s]+@[^<>()\s]+$/.test(token)).map((id) => `<${id}>`);
  return [...new Set(ids)];
}

function flattenAddresses(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const out: EmailAddress[] = [];
  const visit = (entry: ParsedAddress) => {
    if (entry.group) entry.group.forEach(visit);
    const address = entry.address?.trim().toLowerCase();
    if (!address) return;
    const name = entry.name?.trim();
    out.push(name ? { address, name } : { address });
  };
  objects.forEach((object) => object.value.forEach(visit));
  return out;
}

function toAttachment(part: Attachment): EmailAttachment {
  const contentId = part.contentId?.replace(/^<|>$/g, '') || undefined;
  return {
    ...(part.filename ? { filename: part.filename } : {}),
    contentType: part.contentType.toLowerCase(),
    size: part.content.length,
    ...(contentId ? { contentId } : {}),
    inline: part.contentDisposition === 'inline' || part.related === true,
    sha256: createHash('sha256').update(part.content).digest('hex'),
    content: part.content,
  };
}

// Bodies are stored as chat-like text: one line-ending convention, no-break spaces (from HTML
// &nbsp;) as plain spaces, no trailing blanks.
function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
}

/**
 * Parses a raw RFC 5322 message (any transfer encoding and charset mailparser/iconv-lite know:
 * UTF-8, TIS-620, windows-1251, KOI8-U, ...) into an InboundEmail. HTML-only mail gets its
 * text from the HTML. A mail without a Message-ID gets one derived from its bytes, so a
 * redelivery of the same bytes is still recognised as the same message.
 */
export async function parseMime(raw: Buffer): Promise<InboundEmail> {
  const parsed = await simpleParser(raw, {
    // We keep the HTML only as received; no link rewriting or inlining of cid: images.
    keepCidLinks: true,
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  const [ownId] = extractMessageIds(parsed.messageId);
  const date = parsed.headers.has('date') && parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : undefined;
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  return {
    messageId: ownId ?? `<${createHash('sha256').update(raw).digest('hex').slice(0, 32)}@message-id.invalid>`,
    messageIdSynthesized: ownId === undefined,
    inReplyTo: extractMessageIds(parsed.inReplyTo),
    references: extractMessageIds(parsed.references),
    from: flattenAddresses(parsed.from)[0] ?? null,
    replyTo: flattenAddresses(parsed.replyTo),
    to: flattenAddresses(parsed.to),
    cc: flattenAddresses(parsed.cc),
    subject: (parsed.subject ?? '').trim(),
    text: normalizeText(parsed.text ?? ''),
    ...(html ? { html } : {}),
    attachments: parsed.attachments.map(toAttachment),
    ...(date ? { date } : {}),
  };
}
