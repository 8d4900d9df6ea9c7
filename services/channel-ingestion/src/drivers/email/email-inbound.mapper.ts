import { MalformedPayloadError, PayloadTooLargeError } from '../../domain/channel.errors';
import type { InboundMessage } from '../../domain/normalized-message';
import { senderIdentity } from '../../domain/sender-identity';
import type { InboundEmail } from './email.types';
import { EmailRejectedError } from './email.types';

/**
 * The normalized inbound message of a mail in a conversation. The Message-ID is the provider
 * message id (redeliveries de-duplicate on it); the sender is the From address (Reply-To is
 * where replies go, not who wrote). A mail with only a subject keeps the subject as its text.
 */
export function toInboundMessage(email: InboundEmail, conversationKey: string): InboundMessage {
  if (!email.from) throw new EmailRejectedError('the mail has no From address', 550);
  const text = email.text.trim() === '' && email.attachments.length === 0 ? email.subject : email.text;
  return {
    providerMessageId: email.messageId,
    conversationKey,
    sender: senderIdentity('email', email.from.address, email.from.name ? { displayName: email.from.name } : {}),
    text,
    attachments: email.attachments.map((a) => ({
      fileName: a.filename ?? a.contentId ?? 'attachment',
      contentType: a.contentType,
      sizeBytes: a.size,
      content: a.content,
    })),
    ...(email.date ? { sentAt: email.date } : {}),
    ...(email.subject.trim() ? { subject: email.subject.trim() } : {}),
  };
}

/**
 * For the inbound handler's catch: the service's permanent refusals (malformed, too large)
 * become EmailRejectedError so SMTP answers 5xx and IMAP stops retrying; anything else stays
 * a temporary failure.
 */
export function emailRejection(error: unknown): unknown {
  if (error instanceof PayloadTooLargeError) return new EmailRejectedError(error.message, 552);
  if (error instanceof MalformedPayloadError) return new EmailRejectedError(error.message, 554);
  return error;
}
