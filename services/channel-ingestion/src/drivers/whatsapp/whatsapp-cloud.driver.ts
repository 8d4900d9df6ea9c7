import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import type { InboundMessage, MessageAttachment } from '../../domain/normalized-message';
import { senderIdentity } from '../../domain/sender-identity';
import type { ChannelDriver, DeliveryState, DeliveryStatusUpdate, OutboundMessage, SendResult, WebhookContent, WebhookRequest } from '../channel-driver.port';
import { GRAPH_API_VERSION, MetaGraphDriver } from '../meta/meta-webhook';
import { array, epoch, isObject, type JsonObject, object, optionalString, parseJson, string } from '../payload-reader';
import { providerIdFrom, sendingSecret, sendWithRetries } from '../provider-http.client';
import { type DownloadedMedia, downloadMedia, fetchMediaJson } from '../media-download';
import { PayloadTooLargeError, ProviderError } from '../../domain/channel.errors';

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
const STATUS: Record<string, DeliveryState | undefined> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

function textOf(message: JsonObject): string {
  const type = message.type;
  if (type === 'text') return string(object(message.text, 'text').body, 'text.body');
  if (type === 'button' && isObject(message.button)) return optionalString(message.button.text, 'button.text') ?? '';
  if (type === 'interactive' && isObject(message.interactive)) {
    const reply = message.interactive.button_reply ?? message.interactive.list_reply;
    return isObject(reply) ? (optionalString(reply.title, 'interactive.title') ?? '') : '';
  }
  if (type === 'location' && isObject(message.location)) return `location: ${String(message.location.latitude)},${String(message.location.longitude)}`;
  const media = (MEDIA_TYPES as readonly string[]).includes(String(type)) && isObject(message[String(type)]) ? (message[String(type)] as JsonObject) : undefined;
  return media ? (optionalString(media.caption, `${String(type)}.caption`) ?? '') : '';
}

function attachmentsOf(message: JsonObject): MessageAttachment[] {
  const type = String(message.type);
  if (!(MEDIA_TYPES as readonly string[]).includes(type)) return [];
  const media = object(message[type], type);
  return [{
    fileName: optionalString(media.filename, `${type}.filename`) ?? `${type}-${string(media.id, `${type}.id`)}`,
    contentType: optionalString(media.mime_type, `${type}.mime_type`)?.split(';')[0].trim() ?? 'application/octet-stream',
    sizeBytes: 0,
    // Media stays with Meta; the id fetches it through GET /{media-id}.
    url: `whatsapp-media:${string(media.id, `${type}.id`)}`,
  }];
}

/**
 * WhatsApp Cloud API: `whatsapp_business_account` change notifications with messages and
 * statuses; replies via POST /{phone-number-id}/messages with the access token.
 */
export class WhatsAppCloudDriver extends MetaGraphDriver implements ChannelDriver {
  readonly kind = 'whatsapp' as const;

  parse(request: WebhookRequest): WebhookContent {
    const body = object(parseJson(request.rawBody), 'body');
    const messages: InboundMessage[] = [];
    const statuses: DeliveryStatusUpdate[] = [];
    for (const entry of array(body.entry, 'entry')) {
      for (const change of array(object(entry, 'entry[]').changes, 'entry[].changes')) {
        const value = object(object(change, 'changes[]').value, 'changes[].value');
        const names = new Map<string, string>();
        for (const contact of array(value.contacts, 'value.contacts', true)) {
          const c = object(contact, 'contacts[]');
          const name = isObject(c.profile) ? optionalString(c.profile.name, 'contacts[].profile.name') : undefined;
          if (name) names.set(string(c.wa_id, 'contacts[].wa_id'), name);
        }
        for (const item of array(value.messages, 'value.messages', true)) {
          const message = object(item, 'messages[]');
          const from = string(message.from, 'messages[].from');
          const sender = senderIdentity('whatsapp', from, { displayName: names.get(from) });
          messages.push({
            providerMessageId: string(message.id, 'messages[].id'),
            // Replies go to the wa_id as WhatsApp gives it (digits, no "+").
            conversationKey: from,
            sender,
            text: textOf(message),
            attachments: attachmentsOf(message),
            sentAt: epoch(message.timestamp, 'messages[].timestamp', 's'),
          });
        }
        for (const item of array(value.statuses, 'value.statuses', true)) {
          const status = object(item, 'statuses[]');
          const state = STATUS[String(status.status)];
          if (!state) continue;
          const errors = array(status.errors, 'statuses[].errors', true);
          const code = isObject(errors[0]) && errors[0].code !== undefined ? String(errors[0].code) : undefined;
          statuses.push({ providerMessageId: string(status.id, 'statuses[].id'), status: state, errorCode: code, occurredAt: epoch(status.timestamp, 'statuses[].timestamp', 's') });
        }
      }
    }
    return { messages, statuses };
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const base = account.settings.api_base_url || this.graphBaseUrl;
    const [attachment] = message.attachments;
    const payload = attachment
      ? { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to, type: 'document', document: { link: attachment.url, filename: attachment.fileName, caption: message.text } }
      : { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to, type: 'text', text: { preview_url: false, body: message.text } };
    const response = await sendWithRetries(
      'whatsapp',
      {
        method: 'POST',
        url: `${base}/${GRAPH_API_VERSION}/${encodeURIComponent(account.address)}/messages`,
        headers: { authorization: `Bearer ${sendingSecret(account.secrets, 'access_token')}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      },
      this.retry,
      this.http,
    );
    const sent = (response.json as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
    return { providerMessageId: providerIdFrom('whatsapp', sent) };
  }

  /** GET /{media-id} gives a short-lived URL (and the size), fetched with the same token. */
  async fetchMedia(account: ChannelAccountWithSecrets, attachment: MessageAttachment, maxBytes: number): Promise<DownloadedMedia> {
    const id = attachment.url?.startsWith('whatsapp-media:') ? attachment.url.slice(15) : '';
    if (!id) throw new ProviderError('media-reference-invalid', 'the attachment names no whatsapp media', false);
    const base = account.settings.api_base_url || this.graphBaseUrl;
    const headers = { authorization: `Bearer ${sendingSecret(account.secrets, 'access_token')}` };
    const media = await fetchMediaJson(this.http, 'whatsapp', { url: `${base}/${GRAPH_API_VERSION}/${encodeURIComponent(id)}`, headers });
    const declared = Number(media.file_size);
    if (declared > maxBytes) throw new PayloadTooLargeError('attachment-too-large', `${declared} bytes, at most ${maxBytes}`);
    if (typeof media.url !== 'string' || !/^https?:\/\//.test(media.url)) throw new ProviderError('whatsapp-media-lookup-invalid', 'the media lookup gave no URL', false);
    const file = await downloadMedia(this.http, 'whatsapp', { url: media.url, headers }, maxBytes);
    return typeof media.mime_type === 'string' ? { ...file, contentType: media.mime_type.split(';')[0].trim().toLowerCase() } : file;
  }
}
