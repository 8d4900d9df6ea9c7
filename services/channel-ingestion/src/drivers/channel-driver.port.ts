import type { ChannelAccountWithSecrets } from '../domain/channel-account';
import type { ChannelKind } from '../domain/channel-kind';
import type { InboundMessage, MessageAttachment } from '../domain/normalized-message';
import type { DownloadedMedia } from './media-download';

/** A provider webhook call as received, body untouched (signatures cover the raw bytes). */
export interface WebhookRequest {
  readonly method: string;
  /** The URL the provider called, as it signed it (public base URL + path + query). */
  readonly url: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
}

export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed';

/** A provider's report on one outbound message. */
export interface DeliveryStatusUpdate {
  readonly providerMessageId: string;
  readonly status: DeliveryState;
  readonly errorCode?: string;
  readonly occurredAt?: Date;
}

/**
 * A provider's report on every outbound message of a conversation up to a time, without naming
 * them (Messenger's `message_reads` and id-less `message_deliveries` watermarks).
 */
export interface ConversationWatermark {
  /** The conversation key (the customer's PSID on Messenger). */
  readonly conversationKey: string;
  readonly status: 'delivered' | 'read';
  /** Messages we sent at or before this time have the status. */
  readonly upTo: Date;
  readonly occurredAt?: Date;
}

/** What one webhook call carried: customer messages, delivery reports, or both. */
export interface WebhookContent {
  readonly messages: readonly InboundMessage[];
  readonly statuses: readonly DeliveryStatusUpdate[];
  readonly watermarks?: readonly ConversationWatermark[];
}

/** An agent's reply, addressed to the conversation it answers. */
export interface OutboundMessage {
  /** The conversation key, which each driver defines as the reply address (phone, chat id, user id). */
  readonly to: string;
  readonly text: string;
  /** By URL for providers that fetch media themselves; with the bytes for drivers that carry them (`inlineAttachments`). */
  readonly attachments: readonly { readonly url: string; readonly contentType: string; readonly fileName: string; readonly content?: Uint8Array }[];
  /** Stable across retries of the same message; sent where the provider supports one. */
  readonly idempotencyKey: string;
}

export interface SendResult {
  readonly providerMessageId: string;
}

/**
 * The one port every provider implements. The webhook edge calls `verify` before reading the
 * body any further (401 on mismatch), then `parse` (400 on malformed input); `send` delivers
 * agents' replies through the provider's REST API.
 */
export interface ChannelDriver {
  readonly kind: ChannelKind;
  /** The driver sends attachments' bytes (e-mail): each reaches `send` with its content, downloaded from its URL when given by URL. */
  readonly inlineAttachments?: boolean;
  /** Throws InvalidSignatureError; compares in constant time. */
  verify(request: WebhookRequest, account: ChannelAccountWithSecrets): void;
  /** Throws MalformedPayloadError with a reason; unsupported-but-valid items are skipped. */
  parse(request: WebhookRequest, account: ChannelAccountWithSecrets): WebhookContent;
  /** Answers a provider's GET subscription check (Meta); absent when the provider has none. */
  challenge?(request: WebhookRequest, account: ChannelAccountWithSecrets): string;
  /** Throws ProviderError (retryable or not) once the provider client gave up. */
  send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult>;
  /**
   * Fetches an inbound attachment the provider only referenced (`url`: a link or a media id),
   * at most `maxBytes` (PayloadTooLargeError beyond); absent when the provider sends content inline.
   */
  fetchMedia?(account: ChannelAccountWithSecrets, attachment: MessageAttachment, maxBytes: number): Promise<DownloadedMedia>;
}
