import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { MalformedPayloadError, ProviderError } from '../../domain/channel.errors';
import type { InboundMessage, MessageAttachment } from '../../domain/normalized-message';
import { senderIdentity } from '../../domain/sender-identity';
import type { ChannelDriver, ConversationWatermark, DeliveryStatusUpdate, OutboundMessage, SendResult, WebhookContent, WebhookRequest } from '../channel-driver.port';
import { GRAPH_API_VERSION, MetaGraphDriver } from '../meta/meta-webhook';
import { array, epoch, isObject, object, optionalString, parseJson, string } from '../payload-reader';
import { providerIdFrom, sendingSecret, sendWithRetries } from '../provider-http.client';
import { type DownloadedMedia, downloadMedia } from '../media-download';

const psidOf = (event: Record<string, unknown>) => senderIdentity('messenger', string(object(event.sender, 'messaging[].sender').id, 'sender.id')).value;

function watermarkOf(value: unknown, path: string): Date {
  const at = epoch(value, path, 'ms');
  if (!at) throw new MalformedPayloadError(`${path}-missing`, `${path} is required`);
  return at;
}

const CONTENT_TYPES: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/mpeg', file: 'application/octet-stream' };

/**
 * Messenger Platform: `page` notifications whose `messaging` items carry messages (echoes of
 * our own sends are skipped) and delivery receipts; replies via the Send API.
 */
export class MessengerDriver extends MetaGraphDriver implements ChannelDriver {
  readonly kind = 'messenger' as const;

  parse(request: WebhookRequest): WebhookContent {
    const body = object(parseJson(request.rawBody), 'body');
    if (body.object !== 'page') throw new MalformedPayloadError('object-invalid', 'object must be "page"');
    const messages: InboundMessage[] = [];
    const statuses: DeliveryStatusUpdate[] = [];
    const watermarks: ConversationWatermark[] = [];
    for (const entry of array(body.entry, 'entry')) {
      for (const item of array(object(entry, 'entry[]').messaging, 'entry[].messaging', true)) {
        const event = object(item, 'messaging[]');
        if (isObject(event.message)) {
          if (event.message.is_echo === true) continue;
          const psid = string(object(event.sender, 'messaging[].sender').id, 'sender.id');
          const attachments: MessageAttachment[] = array(event.message.attachments, 'message.attachments', true).flatMap((raw, i) => {
            const attachment = object(raw, 'message.attachments[]');
            const url = isObject(attachment.payload) ? optionalString(attachment.payload.url, 'attachments[].payload.url') : undefined;
            if (!url) return [];
            const type = String(attachment.type);
            return [{ fileName: `${type}-${i}`, contentType: CONTENT_TYPES[type] ?? 'application/octet-stream', sizeBytes: 0, url }];
          });
          messages.push({
            providerMessageId: string(event.message.mid, 'message.mid'),
            conversationKey: psid,
            sender: senderIdentity('messenger', psid),
            text: optionalString(event.message.text, 'message.text') ?? '',
            attachments,
            sentAt: epoch(event.timestamp, 'messaging[].timestamp', 'ms'),
          });
        } else if (isObject(event.delivery)) {
          const occurredAt = epoch(event.timestamp, 'messaging[].timestamp', 'ms');
          const mids = array(event.delivery.mids, 'delivery.mids', true);
          for (const mid of mids) statuses.push({ providerMessageId: string(mid, 'delivery.mids[]'), status: 'delivered', occurredAt });
          // Without mids, the watermark alone says which of our messages arrived.
          if (mids.length === 0 && event.delivery.watermark !== undefined) {
            watermarks.push({ conversationKey: psidOf(event), status: 'delivered', upTo: watermarkOf(event.delivery.watermark, 'delivery.watermark'), occurredAt });
          }
        } else if (isObject(event.read)) {
          // message_reads: everything we sent to this PSID up to the watermark was read.
          const occurredAt = epoch(event.timestamp, 'messaging[].timestamp', 'ms');
          watermarks.push({ conversationKey: psidOf(event), status: 'read', upTo: watermarkOf(event.read.watermark, 'read.watermark'), occurredAt });
        }
      }
    }
    return { messages, statuses, watermarks };
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const base = account.settings.api_base_url || this.graphBaseUrl;
    const [attachment] = message.attachments;
    const payload = {
      recipient: { id: message.to },
      // A reply inside the 24-hour standard messaging window.
      messaging_type: 'RESPONSE',
      message: attachment ? { attachment: { type: 'file', payload: { url: attachment.url, is_reusable: false } } } : { text: message.text },
    };
    const token = encodeURIComponent(sendingSecret(account.secrets, 'page_access_token'));
    const response = await sendWithRetries(
      'messenger',
      { method: 'POST', url: `${base}/${GRAPH_API_VERSION}/me/messages?access_token=${token}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) },
      this.retry,
      this.http,
    );
    return { providerMessageId: providerIdFrom('messenger', (response.json as { message_id?: unknown } | undefined)?.message_id) };
  }

  /** Attachment payload URLs are public CDN links. */
  fetchMedia(_account: ChannelAccountWithSecrets, attachment: MessageAttachment, maxBytes: number): Promise<DownloadedMedia> {
    if (!attachment.url || !/^https?:\/\//.test(attachment.url)) throw new ProviderError('media-reference-invalid', 'the attachment has no URL', false);
    return downloadMedia(this.http, 'messenger', { url: attachment.url }, maxBytes);
  }
}
