import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import type { InboundMessage, MessageAttachment } from '../../domain/normalized-message';
import { senderIdentity } from '../../domain/sender-identity';
import type { ChannelDriver, OutboundMessage, SendResult, WebhookContent, WebhookRequest } from '../channel-driver.port';
import { array, epoch, type JsonObject, object, optionalNumber, optionalString, parseJson, string } from '../payload-reader';
import { providerIdFrom, sendingSecret, sendWithRetries, type RetryOptions } from '../provider-http.client';
import { type DownloadedMedia, downloadMedia } from '../media-download';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from '../guarded-fetch.client';
import { ProviderError } from '../../domain/channel.errors';
import { hmac, requireHmacSignature, secretOf } from '../webhook-signature';

const CONTENT_TYPES: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/m4a', file: 'application/octet-stream' };

/** X-Line-Signature: Base64(HMAC-SHA256(channel secret, raw body)). */
export function lineSignature(channelSecret: string, rawBody: Buffer): string {
  return hmac('sha256', channelSecret, rawBody).toString('base64');
}

function attachmentOf(message: JsonObject): MessageAttachment[] {
  const type = String(message.type);
  if (!(type in CONTENT_TYPES)) return [];
  const id = string(message.id, 'message.id');
  return [{
    fileName: optionalString(message.fileName, 'message.fileName') ?? `${type}-${id}`,
    contentType: CONTENT_TYPES[type],
    sizeBytes: optionalNumber(message.fileSize, 'message.fileSize') ?? 0,
    // Content stays with LINE: GET /v2/bot/message/{id}/content.
    url: `line-content:${id}`,
  }];
}

/**
 * LINE Messaging API: webhook `events` (message events taken; follow, postback and the empty
 * verification call accepted and skipped); replies via the push API with X-Line-Retry-Key.
 */
export class LineDriver implements ChannelDriver {
  readonly kind = 'line' as const;

  constructor(
    private readonly apiBaseUrl = 'https://api.line.me',
    private readonly retry?: RetryOptions,
    /** Message content is served from a host of its own. */
    private readonly dataBaseUrl = 'https://api-data.line.me',
    /** Provider calls and media downloads under the address policy (public hosts only by default). */
    private readonly http: GuardedFetchClient = PUBLIC_ONLY_FETCH,
  ) {}

  verify(request: WebhookRequest, account: ChannelAccountWithSecrets): void {
    requireHmacSignature(request.headers['x-line-signature'], lineSignature(secretOf(account.secrets, 'channel_secret'), request.rawBody), 'X-Line-Signature');
  }

  parse(request: WebhookRequest): WebhookContent {
    const body = object(parseJson(request.rawBody), 'body');
    const messages: InboundMessage[] = [];
    for (const item of array(body.events, 'events')) {
      const event = object(item, 'events[]');
      if (event.type !== 'message') continue;
      const message = object(event.message, 'events[].message');
      const source = object(event.source, 'events[].source');
      const userId = string(source.userId, 'source.userId');
      const text = message.type === 'text' ? string(message.text, 'message.text') : '';
      messages.push({
        providerMessageId: string(message.id, 'message.id'),
        // Replies go to the group or room the customer wrote in, else to the user.
        conversationKey: optionalString(source.groupId, 'source.groupId') ?? optionalString(source.roomId, 'source.roomId') ?? userId,
        sender: senderIdentity('line', userId),
        text,
        attachments: attachmentOf(message),
        sentAt: epoch(event.timestamp, 'events[].timestamp', 'ms'),
      });
    }
    return { messages, statuses: [] };
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const base = account.settings.api_base_url || this.apiBaseUrl;
    const items: object[] = [{ type: 'text', text: message.text }];
    for (const attachment of message.attachments.filter((a) => a.contentType.startsWith('image/'))) {
      items.push({ type: 'image', originalContentUrl: attachment.url, previewImageUrl: attachment.url });
    }
    const response = await sendWithRetries(
      'line',
      {
        method: 'POST',
        url: `${base}/v2/bot/message/push`,
        headers: {
          authorization: `Bearer ${sendingSecret(account.secrets, 'channel_access_token')}`,
          'content-type': 'application/json',
          // LINE answers a repeated key with 409 instead of sending twice.
          'x-line-retry-key': message.idempotencyKey,
        },
        body: JSON.stringify({ to: message.to, messages: items.slice(0, 5) }),
      },
      this.retry,
      this.http,
    );
    const sent = (response.json as { sentMessages?: { id?: unknown }[] } | undefined)?.sentMessages?.[0]?.id;
    return { providerMessageId: providerIdFrom('line', sent) };
  }

  /** GET /v2/bot/message/{messageId}/content on the data API, with the channel access token. */
  fetchMedia(account: ChannelAccountWithSecrets, attachment: MessageAttachment, maxBytes: number): Promise<DownloadedMedia> {
    const id = attachment.url?.startsWith('line-content:') ? attachment.url.slice(13) : '';
    if (!id) throw new ProviderError('media-reference-invalid', 'the attachment names no line media', false);
    const base = account.settings.api_base_url || this.dataBaseUrl;
    return downloadMedia(this.http, 'line', { url: `${base}/v2/bot/message/${encodeURIComponent(id)}/content`, headers: { authorization: `Bearer ${sendingSecret(account.secrets, 'channel_access_token')}` } }, maxBytes);
  }
}
