import type { ChannelKind } from './channel-kind';
import { MalformedPayloadError, PayloadTooLargeError } from './channel.errors';
import type { SenderIdentity } from './sender-identity';

/** A file that came with a message: its bytes when we hold them, else the provider's link. */
export interface MessageAttachment {
  readonly fileName: string;
  readonly contentType: string;
  readonly sizeBytes: number;
  readonly content?: Uint8Array;
  /** Provider media reference (URL or media id) when the content stays with the provider. */
  readonly url?: string;
}

/** One customer message as a driver parsed it, before it belongs to any interaction. */
export interface InboundMessage {
  readonly providerMessageId: string;
  /** Messages with the same key on one account belong to one conversation. */
  readonly conversationKey: string;
  readonly sender: SenderIdentity;
  readonly text: string;
  readonly attachments: readonly MessageAttachment[];
  /** When the provider says it was sent; the receive time when it does not. */
  readonly sentAt?: Date;
  /** E-mail only: history files interactions about the same subject under one case. */
  readonly subject?: string;
}

/** The normalized message every channel produces, as stored and emitted (MessageReceived). */
export interface NormalizedMessage extends InboundMessage {
  readonly messageId: string;
  readonly tenantId: string;
  readonly channel: ChannelKind;
  readonly channelAccountId: string;
  readonly interactionId: string;
  readonly receivedAt: Date;
}

export interface MessageLimits {
  readonly maxTextChars: number;
  readonly maxAttachmentBytes: number;
  readonly maxAttachments: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = { maxTextChars: 16_384, maxAttachmentBytes: 5 * 1024 * 1024, maxAttachments: 10 };

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;
const PROVIDER_ID_MAX = 256;

/** `type/subtype`, without parameters. */
export const isMediaType = (value: string): boolean => CONTENT_TYPE.test(value);
const CONTROL = /\p{Cc}/u;

function checkAttachment(attachment: MessageAttachment, limits: MessageLimits): MessageAttachment {
  if (!CONTENT_TYPE.test(attachment.contentType)) {
    throw new MalformedPayloadError('attachment-content-type-invalid', `${JSON.stringify(attachment.contentType.slice(0, 64))} is not a media type`);
  }
  const size = attachment.content?.byteLength ?? attachment.sizeBytes;
  if (size > limits.maxAttachmentBytes) throw new PayloadTooLargeError('attachment-too-large', `${size} bytes, at most ${limits.maxAttachmentBytes}`);
  const fileName = attachment.fileName.replace(/[\p{Cc}/\\]/gu, '_').slice(0, 255) || 'attachment';
  return { ...attachment, fileName, contentType: attachment.contentType.toLowerCase(), sizeBytes: size };
}

/**
 * Checks what every channel must satisfy before a message is accepted: a provider id, a
 * conversation key, content within the limits. Oversize is PayloadTooLargeError (413), the
 * rest MalformedPayloadError (400).
 */
export function checkInboundMessage(message: InboundMessage, limits: MessageLimits): InboundMessage {
  if (!message.providerMessageId || message.providerMessageId.length > PROVIDER_ID_MAX || CONTROL.test(message.providerMessageId)) {
    throw new MalformedPayloadError('provider-message-id-invalid', `a provider message id is 1 to ${PROVIDER_ID_MAX} printable characters`);
  }
  if (!message.conversationKey || message.conversationKey.length > PROVIDER_ID_MAX) {
    throw new MalformedPayloadError('conversation-key-invalid', `a conversation key is 1 to ${PROVIDER_ID_MAX} characters`);
  }
  if (message.text.length > limits.maxTextChars) throw new PayloadTooLargeError('text-too-long', `${message.text.length} characters, at most ${limits.maxTextChars}`);
  if (message.attachments.length > limits.maxAttachments) throw new PayloadTooLargeError('too-many-attachments', `${message.attachments.length}, at most ${limits.maxAttachments}`);
  if (message.text.trim() === '' && message.attachments.length === 0) throw new MalformedPayloadError('message-empty', 'a message needs text or an attachment');
  if (message.sentAt && Number.isNaN(message.sentAt.getTime())) throw new MalformedPayloadError('timestamp-invalid', 'the message time is not a date');
  return { ...message, attachments: message.attachments.map((a) => checkAttachment(a, limits)) };
}
