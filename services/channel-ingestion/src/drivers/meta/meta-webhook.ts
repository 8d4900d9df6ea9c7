import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { InvalidSignatureError, MalformedPayloadError } from '../../domain/channel.errors';
import type { WebhookRequest } from '../channel-driver.port';
import { constantTimeEqual, hmac, requireHmacSignature, secretOf } from '../webhook-signature';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from '../guarded-fetch.client';
import type { RetryOptions } from '../provider-http.client';

/** X-Hub-Signature-256: `sha256=` + hex HMAC-SHA256(app secret, raw body). */
export function metaSignature(appSecret: string, rawBody: Buffer): string {
  return `sha256=${hmac('sha256', appSecret, rawBody).toString('hex')}`;
}

export function verifyMetaSignature(request: WebhookRequest, account: ChannelAccountWithSecrets): void {
  requireHmacSignature(request.headers['x-hub-signature-256'], metaSignature(secretOf(account.secrets, 'app_secret'), request.rawBody), 'X-Hub-Signature-256');
}

/** The subscription check: GET with hub.mode=subscribe and our verify token; echo hub.challenge. */
export function metaChallenge(request: WebhookRequest, account: ChannelAccountWithSecrets): string {
  if (request.query['hub.mode'] !== 'subscribe') throw new MalformedPayloadError('hub-mode-invalid', 'hub.mode must be subscribe');
  const token = request.query['hub.verify_token'];
  if (!token || !constantTimeEqual(secretOf(account.secrets, 'verify_token'), token)) {
    throw new InvalidSignatureError('verify-token-mismatch', 'hub.verify_token does not match');
  }
  const challenge = request.query['hub.challenge'];
  if (!challenge || challenge.length > 256) throw new MalformedPayloadError('hub-challenge-invalid', 'hub.challenge is required');
  return challenge;
}

export const GRAPH_API_VERSION = 'v21.0';

/**
 * What the Meta platforms' drivers (WhatsApp Cloud API, Messenger) share: the Graph API they
 * send through, X-Hub-Signature-256 on every webhook and the hub.challenge subscription check.
 */
export abstract class MetaGraphDriver {
  constructor(
    protected readonly graphBaseUrl = 'https://graph.facebook.com',
    protected readonly retry?: RetryOptions,
    /** Provider calls and media downloads under the address policy (public hosts only by default). */
    protected readonly http: GuardedFetchClient = PUBLIC_ONLY_FETCH,
  ) {}

  verify(request: WebhookRequest, account: ChannelAccountWithSecrets): void {
    verifyMetaSignature(request, account);
  }

  challenge(request: WebhookRequest, account: ChannelAccountWithSecrets): string {
    return metaChallenge(request, account);
  }
}
