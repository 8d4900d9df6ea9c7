import type { CountryCode } from 'libphonenumber-js';
import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { MalformedPayloadError, ProviderError } from '../../domain/channel.errors';
import type { InboundMessage, MessageAttachment } from '../../domain/normalized-message';
import { regionOf, type SenderIdentity, senderIdentity } from '../../domain/sender-identity';
import type { ChannelDriver, OutboundMessage, SendResult, WebhookContent, WebhookRequest } from '../channel-driver.port';
import { array, isObject, object, optionalString, parseJson, string } from '../payload-reader';
import { providerIdFrom, sendingSecret, sendWithRetries, type RetryOptions } from '../provider-http.client';
import { hmac, requireSignature, secretOf } from '../webhook-signature';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from '../guarded-fetch.client';

/** The fields of one custom-channel message, from HTTP JSON or the IngestMessage RPC. */
export interface ApiMessageFields {
  readonly providerMessageId: string;
  readonly conversationKey?: string;
  readonly senderPhone?: string;
  readonly senderEmail?: string;
  readonly senderUserId?: string;
  readonly senderName?: string;
  readonly text?: string;
  readonly attachments?: readonly { fileName: string; contentType: string; content?: Uint8Array; url?: string }[];
  readonly sentAt?: Date;
}

function senderOf(fields: ApiMessageFields, defaultRegion: CountryCode | undefined): SenderIdentity {
  const options = { defaultRegion, displayName: fields.senderName };
  if (fields.senderPhone) return senderIdentity('phone', fields.senderPhone, options);
  if (fields.senderEmail) return senderIdentity('email', fields.senderEmail, options);
  if (fields.senderUserId) return senderIdentity('external', fields.senderUserId, options);
  throw new MalformedPayloadError('sender-missing', 'one of sender phone, email or user id is required');
}

/** Normalises a custom-channel message; the conversation defaults to one per sender. */
export function apiInboundMessage(fields: ApiMessageFields, account: ChannelAccountWithSecrets): InboundMessage {
  const sender = senderOf(fields, regionOf(account.settings.default_region));
  const attachments: MessageAttachment[] = (fields.attachments ?? []).map((a) => ({
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.content?.byteLength ?? 0,
    content: a.content,
    url: a.url || undefined,
  }));
  return {
    providerMessageId: fields.providerMessageId,
    conversationKey: fields.conversationKey || `${sender.kind}:${sender.value}`,
    sender,
    text: fields.text ?? '',
    attachments,
    sentAt: fields.sentAt,
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The API channel over HTTP: `Authorization: Bearer <api_token>` and a JSON body
 * `{ messageId, conversationKey?, sender: { phone | email | userId, name? }, text?, attachments?: [{ fileName, contentType, contentBase64 }] }`.
 * Replies are POSTed to the account's `callback_url`, signed like Meta's (`X-CC-Signature-256`).
 */
export class ApiChannelDriver implements ChannelDriver {
  readonly kind = 'api' as const;

  constructor(
    private readonly retry?: RetryOptions,
    /** Callbacks go out under the address policy (public hosts only by default). */
    private readonly http: GuardedFetchClient = PUBLIC_ONLY_FETCH,
  ) {}

  verify(request: WebhookRequest, account: ChannelAccountWithSecrets): void {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    requireSignature(token, secretOf(account.secrets, 'api_token'), 'Authorization bearer token');
  }

  parse(request: WebhookRequest, account: ChannelAccountWithSecrets): WebhookContent {
    const body = object(parseJson(request.rawBody), 'body');
    const sender = object(body.sender, 'sender');
    const attachments = array(body.attachments, 'attachments', true).map((raw) => {
      const a = object(raw, 'attachments[]');
      const encoded = string(a.contentBase64, 'attachments[].contentBase64');
      if (!BASE64.test(encoded)) throw new MalformedPayloadError('attachments[].contentBase64-invalid', 'contentBase64 is not base64');
      return { fileName: string(a.fileName, 'attachments[].fileName'), contentType: string(a.contentType, 'attachments[].contentType'), content: Buffer.from(encoded, 'base64') };
    });
    const sentAt = optionalString(body.sentAt, 'sentAt');
    const fields: ApiMessageFields = {
      providerMessageId: string(body.messageId, 'messageId'),
      conversationKey: optionalString(body.conversationKey, 'conversationKey'),
      senderPhone: optionalString(sender.phone, 'sender.phone'),
      senderEmail: optionalString(sender.email, 'sender.email'),
      senderUserId: optionalString(sender.userId, 'sender.userId'),
      senderName: optionalString(sender.name, 'sender.name'),
      text: optionalString(body.text, 'text'),
      attachments,
      sentAt: sentAt ? new Date(sentAt) : undefined,
    };
    return { messages: [apiInboundMessage(fields, account)], statuses: [] };
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const url = account.settings.callback_url;
    if (!url) throw new ProviderError('callback-url-missing', 'the API channel account has no callback_url setting', false);
    const body = JSON.stringify({ conversationKey: message.to, text: message.text, attachments: message.attachments, idempotencyKey: message.idempotencyKey });
    const signature = `sha256=${hmac('sha256', sendingSecret(account.secrets, 'api_token'), body).toString('hex')}`;
    const response = await sendWithRetries(
      'api-channel',
      { method: 'POST', url, headers: { 'content-type': 'application/json', 'idempotency-key': message.idempotencyKey, 'x-cc-signature-256': signature }, body },
      this.retry,
      this.http,
    );
    const id = isObject(response.json) ? response.json.id : undefined;
    return { providerMessageId: id === undefined ? message.idempotencyKey : providerIdFrom('api-channel', id) };
  }
}
