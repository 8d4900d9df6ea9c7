import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import type { MessageAttachment } from '../../domain/normalized-message';
import { senderIdentity } from '../../domain/sender-identity';
import type { ChannelDriver, OutboundMessage, SendResult, WebhookContent, WebhookRequest } from '../channel-driver.port';
import { array, epoch, isObject, type JsonObject, object, optionalNumber, optionalString, parseJson, string } from '../payload-reader';
import { providerIdFrom, sendingSecret, sendWithRetries, type RetryOptions } from '../provider-http.client';
import { type DownloadedMedia, downloadMedia, fetchMediaJson } from '../media-download';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from '../guarded-fetch.client';
import { PayloadTooLargeError, ProviderError } from '../../domain/channel.errors';
import { requireSignature, secretOf } from '../webhook-signature';

function attachmentsOf(message: JsonObject): MessageAttachment[] {
  if (isObject(message.document)) {
    const d = message.document;
    return [{
      fileName: optionalString(d.file_name, 'document.file_name') ?? 'document',
      contentType: optionalString(d.mime_type, 'document.mime_type') ?? 'application/octet-stream',
      sizeBytes: optionalNumber(d.file_size, 'document.file_size') ?? 0,
      url: `telegram-file:${string(d.file_id, 'document.file_id')}`,
    }];
  }
  const photos = array(message.photo, 'message.photo', true);
  if (photos.length === 0) return [];
  // Telegram lists every size; the last is the largest.
  const largest = object(photos[photos.length - 1], 'photo[]');
  return [{ fileName: 'photo.jpg', contentType: 'image/jpeg', sizeBytes: optionalNumber(largest.file_size, 'photo[].file_size') ?? 0, url: `telegram-file:${string(largest.file_id, 'photo[].file_id')}` }];
}

/**
 * Telegram Bot API: one Update per call, authenticated by the secret token given to setWebhook;
 * new messages taken, edits and other update kinds accepted and skipped; replies via sendMessage.
 */
export class TelegramDriver implements ChannelDriver {
  readonly kind = 'telegram' as const;

  constructor(
    private readonly apiBaseUrl = 'https://api.telegram.org',
    private readonly retry?: RetryOptions,
    /** Provider calls and media downloads under the address policy (public hosts only by default). */
    private readonly http: GuardedFetchClient = PUBLIC_ONLY_FETCH,
  ) {}

  verify(request: WebhookRequest, account: ChannelAccountWithSecrets): void {
    requireSignature(request.headers['x-telegram-bot-api-secret-token'], secretOf(account.secrets, 'secret_token'), 'X-Telegram-Bot-Api-Secret-Token');
  }

  parse(request: WebhookRequest): WebhookContent {
    const update = object(parseJson(request.rawBody), 'body');
    string(update.update_id, 'update_id');
    if (!isObject(update.message)) return { messages: [], statuses: [] };
    const message = update.message;
    const chatId = string(object(message.chat, 'message.chat').id, 'message.chat.id');
    const from = object(message.from, 'message.from');
    const name = [optionalString(from.first_name, 'from.first_name'), optionalString(from.last_name, 'from.last_name')].filter(Boolean).join(' ');
    return {
      messages: [{
        // Message ids count per chat, so the chat makes them unique on the bot.
        providerMessageId: `${chatId}:${string(message.message_id, 'message.message_id')}`,
        conversationKey: chatId,
        sender: senderIdentity('telegram', string(from.id, 'message.from.id'), { displayName: name }),
        text: optionalString(message.text, 'message.text') ?? optionalString(message.caption, 'message.caption') ?? '',
        attachments: attachmentsOf(message),
        sentAt: epoch(message.date, 'message.date', 's'),
      }],
      statuses: [],
    };
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const base = account.settings.api_base_url || this.apiBaseUrl;
    const [attachment] = message.attachments;
    const method = attachment ? 'sendDocument' : 'sendMessage';
    const payload = attachment ? { chat_id: message.to, document: attachment.url, caption: message.text } : { chat_id: message.to, text: message.text };
    const response = await sendWithRetries(
      'telegram',
      {
        method: 'POST',
        url: `${base}/bot${sendingSecret(account.secrets, 'bot_token')}/${method}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      },
      this.retry,
      this.http,
    );
    const result = (response.json as { ok?: boolean; result?: { message_id?: unknown } } | undefined)?.result;
    return { providerMessageId: `${message.to}:${providerIdFrom('telegram', result?.message_id)}` };
  }

  /** getFile gives the file's path (and size), then GET /file/bot<token>/<file_path>. */
  async fetchMedia(account: ChannelAccountWithSecrets, attachment: MessageAttachment, maxBytes: number): Promise<DownloadedMedia> {
    const id = attachment.url?.startsWith('telegram-file:') ? attachment.url.slice(14) : '';
    if (!id) throw new ProviderError('media-reference-invalid', 'the attachment names no telegram media', false);
    const bot = `${account.settings.api_base_url || this.apiBaseUrl}`;
    const token = sendingSecret(account.secrets, 'bot_token');
    const answer = await fetchMediaJson(this.http, 'telegram', { url: `${bot}/bot${token}/getFile?file_id=${encodeURIComponent(id)}` });
    const file = isObject(answer.result) ? answer.result : {};
    if (Number(file.file_size) > maxBytes) throw new PayloadTooLargeError('attachment-too-large', `${Number(file.file_size)} bytes, at most ${maxBytes}`);
    if (answer.ok !== true || typeof file.file_path !== 'string' || file.file_path === '') throw new ProviderError('telegram-media-lookup-invalid', 'getFile gave no file_path', false);
    return downloadMedia(this.http, 'telegram', { url: `${bot}/file/bot${token}/${file.file_path.split('/').map(encodeURIComponent).join('/')}` }, maxBytes);
  }
}
