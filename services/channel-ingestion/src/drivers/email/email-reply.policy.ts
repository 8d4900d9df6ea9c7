import { formatReferenceToken, stripReferenceTokens } from './email-threading.policy';

/** The mail being answered, as stored. */
export interface ReplyParent {
  readonly messageId: string;
  readonly references: readonly string[];
  readonly subject: string;
}

export interface ReplyHeaders {
  readonly messageId: string;
  readonly inReplyTo: string;
  readonly references: readonly string[];
  readonly subject: string;
}

// Reply prefixes mail clients add in the languages we serve (en, de, nl, nordic, fr, it, pl,
// tr, vi, uk/ru, fa, th); a reply to a reply must not become "Re: Re: Re:".
const REPLY_PREFIX =
  /^\s*(?:re|aw|sv|vs|antw|réf|ref|rif|odp|ynt|trả lời|tl|відп|відповідь|ответ|отв|پاسخ|ตอบกลับ|ตอบ)\s*(?:\[\d+\])?\s*[:：]\s*/iu;

/** Longest References we send: the root plus the newest ids, as RFC 5322 §3.6.4 suggests. */
export const MAX_REFERENCES = 20;

export function replySubject(subject: string, referenceToken: string): string {
  let base = stripReferenceTokens(subject);
  for (let previous = ''; previous !== base; ) {
    previous = base;
    base = base.replace(REPLY_PREFIX, '');
  }
  const token = formatReferenceToken(referenceToken);
  return base ? `Re: ${base} ${token}` : `Re: ${token}`;
}

export function replyReferences(parent: Pick<ReplyParent, 'messageId' | 'references'>): string[] {
  const chain = [...new Set([...parent.references, parent.messageId])];
  return chain.length <= MAX_REFERENCES ? chain : [chain[0], ...chain.slice(chain.length - (MAX_REFERENCES - 1))];
}

/**
 * A Message-ID derived from our own outbound message id: a retried send carries the same id,
 * so the receiving side (and our threading) sees one message, and we know it before sending.
 */
export function outboundMessageId(outboundId: string, domain: string): string {
  const local = outboundId.replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, '-');
  return `<${local}@${domain.toLowerCase()}>`;
}

export function replyHeaders(
  parent: ReplyParent,
  reply: { readonly outboundId: string; readonly domain: string; readonly referenceToken: string },
): ReplyHeaders {
  return {
    messageId: outboundMessageId(reply.outboundId, reply.domain),
    inReplyTo: parent.messageId,
    references: replyReferences(parent),
    subject: replySubject(parent.subject, reply.referenceToken),
  };
}
