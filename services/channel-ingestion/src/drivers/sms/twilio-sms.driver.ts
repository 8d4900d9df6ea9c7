import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { MalformedPayloadError, ProviderError } from '../../domain/channel.errors';
import type { MessageAttachment } from '../../domain/normalized-message';
import { regionOf, senderIdentity } from '../../domain/sender-identity';
import type { ChannelDriver, DeliveryState, OutboundMessage, SendResult, WebhookContent, WebhookRequest } from '../channel-driver.port';
import { parseForm } from '../payload-reader';
import { providerIdFrom, sendingSecret, sendWithRetries, type RetryOptions } from '../provider-http.client';
import { type DownloadedMedia, downloadMedia } from '../media-download';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from '../guarded-fetch.client';
import { hmac, requireHmacSignature, secretOf } from '../webhook-signature';

const STATUS: Record<string, DeliveryState | undefined> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', undelivered: 'failed' };
const MAX_MEDIA = 10;

/** X-Twilio-Signature: Base64(HMAC-SHA1(auth token, URL + each POST name and value in sorted name order)). */
export function twilioSignature(authToken: string, url: string, params: readonly [string, string][]): string {
  const sorted = [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return hmac('sha1', authToken, url + sorted.map(([name, value]) => name + value).join('')).toString('base64');
}

/**
 * Twilio-compatible SMS/MMS: form-encoded inbound messages and status callbacks; replies via
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json with Basic auth.
 */
export class TwilioSmsDriver implements ChannelDriver {
  readonly kind = 'sms' as const;

  constructor(
    private readonly apiBaseUrl = 'https://api.twilio.com',
    private readonly retry?: RetryOptions,
    /** Provider calls and media downloads under the address policy (public hosts only by default). */
    private readonly http: GuardedFetchClient = PUBLIC_ONLY_FETCH,
  ) {}

  verify(request: WebhookRequest, account: ChannelAccountWithSecrets): void {
    const token = secretOf(account.secrets, 'auth_token');
    const signature = request.headers['x-twilio-signature'];
    // Only the signature header is read before this check; the body is split but not interpreted.
    requireHmacSignature(signature, twilioSignature(token, request.url, signature ? parseForm(request.rawBody, false) : []), 'X-Twilio-Signature');
  }

  parse(request: WebhookRequest, account: ChannelAccountWithSecrets): WebhookContent {
    const params = new Map<string, string>();
    for (const [name, value] of parseForm(request.rawBody)) if (!params.has(name)) params.set(name, value);
    const sid = params.get('MessageSid') ?? params.get('SmsSid');
    if (!sid) throw new MalformedPayloadError('message-sid-missing', 'MessageSid is required');
    const status = params.get('MessageStatus') ?? params.get('SmsStatus');
    if (status && status !== 'received' && !params.has('Body') && !params.has('NumMedia')) {
      const state = STATUS[status];
      return { messages: [], statuses: state ? [{ providerMessageId: sid, status: state, errorCode: params.get('ErrorCode') || undefined }] : [] };
    }
    const from = params.get('From');
    if (!from) throw new MalformedPayloadError('from-missing', 'From is required');
    const sender = senderIdentity('phone', from, { defaultRegion: regionOf(account.settings.default_region) });
    const count = Number(params.get('NumMedia') ?? '0');
    if (!Number.isInteger(count) || count < 0 || count > MAX_MEDIA) throw new MalformedPayloadError('num-media-invalid', `NumMedia must be 0..${MAX_MEDIA}`);
    const attachments: MessageAttachment[] = [];
    for (let i = 0; i < count; i++) {
      const url = params.get(`MediaUrl${i}`);
      if (!url) throw new MalformedPayloadError('media-url-missing', `MediaUrl${i} is required when NumMedia is ${count}`);
      attachments.push({ fileName: `media-${i}`, contentType: params.get(`MediaContentType${i}`) ?? 'application/octet-stream', sizeBytes: 0, url });
    }
    // The reply address is the customer's number: one conversation per number and account.
    return { messages: [{ providerMessageId: sid, conversationKey: sender.value, sender, text: params.get('Body') ?? '', attachments }], statuses: [] };
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const accountSid = account.settings.account_sid;
    if (!accountSid) throw new ProviderError('account-sid-missing', 'the SMS account has no account_sid setting', false);
    const form = new URLSearchParams({ To: message.to, From: account.address, Body: message.text });
    for (const attachment of message.attachments) form.append('MediaUrl', attachment.url);
    const base = account.settings.api_base_url || this.apiBaseUrl;
    const response = await sendWithRetries(
      'twilio',
      {
        method: 'POST',
        url: `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${sendingSecret(account.secrets, 'auth_token')}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'i-twilio-idempotency-token': message.idempotencyKey,
        },
        body: form.toString(),
      },
      this.retry,
      this.http,
    );
    return { providerMessageId: providerIdFrom('twilio', (response.json as { sid?: unknown } | undefined)?.sid) };
  }

  /**
   * MediaUrl{N} points at the account's Media resource; with "HTTP Basic Authentication for media"
   * it needs the account's credentials, which only go to the account's own API host.
   */
  fetchMedia(account: ChannelAccountWithSecrets, attachment: MessageAttachment, maxBytes: number): Promise<DownloadedMedia> {
    const url = attachment.url ?? '';
    if (!/^https?:\/\//.test(url)) throw new ProviderError('media-reference-invalid', 'the attachment has no URL', false);
    const base = account.settings.api_base_url || this.apiBaseUrl;
    const accountSid = account.settings.account_sid;
    const token = account.secrets.auth_token;
    const ours = accountSid && token && new URL(url).origin === new URL(base).origin;
    return downloadMedia(this.http, 'twilio', { url, ...(ours ? { headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${token}`).toString('base64')}` } } : {}) }, maxBytes);
  }
}
