import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import type { ChannelKind } from '../../domain/channel-kind';
import { ChannelNotFoundError, PayloadTooLargeError, RateLimitedError } from '../../domain/channel.errors';
import { isMediaType, type MessageAttachment } from '../../domain/normalized-message';
import type { InboundRatePolicy } from '../../domain/inbound-rate.policy';
import type { ChannelDriver, WebhookContent, WebhookRequest } from '../../drivers/channel-driver.port';
import type { DriverRegistry } from '../../drivers/driver-registry';
import type { AccountDirectory } from '../account-directory/account-directory';
import type { IngestedMessage, IngestInboundUseCase } from '../ingest-inbound/ingest-inbound.use-case';

/**
 * A provider's webhook call, in the order the reliability rules need: unknown account (404),
 * signature (401, before the body is interpreted), rate (429, before anything is accepted),
 * parse (400/413), media the provider only referenced downloaded (413 over the attachment
 * limit), then everything stored with its events before the caller answers 200.
 */
export class ReceiveWebhookUseCase {
  /**
   * Messages whose media this instance is fetching and storing, by tenant, account and provider
   * id: a redelivery that arrives meanwhile (a provider retrying a slow answer) waits for it and
   * is then a duplicate, instead of fetching the same files again.
   */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly directory: AccountDirectory,
    private readonly drivers: DriverRegistry,
    private readonly rates: InboundRatePolicy,
    private readonly ingest: IngestInboundUseCase,
    private readonly defaultRatePerSecond: number,
    private readonly tenantRatePerSecond: number,
    private readonly maxAttachmentBytes: number,
    private readonly onMediaError: (error: unknown, context: { kind: ChannelKind; accountId: string; fileName: string }) => void = () => undefined,
  ) {}

  async account(kind: ChannelKind, tenantId: string, accountId: string, nowMs: number): Promise<ChannelAccountWithSecrets> {
    const account = this.drivers.has(kind) ? await this.directory.find(tenantId, accountId, nowMs) : undefined;
    if (!account || account.disabled || account.kind !== kind) throw new ChannelNotFoundError('channel-account', accountId);
    return account;
  }

  async receive(kind: ChannelKind, tenantId: string, accountId: string, request: WebhookRequest, now: () => Date): Promise<IngestedMessage[]> {
    const account = await this.account(kind, tenantId, accountId, now().getTime());
    const driver = this.drivers.get(kind);
    driver.verify(request, account);
    this.takeRate(account, now().getTime());
    // Checked before downloading: a malformed or oversize message costs no provider call.
    return this.withMedia(driver, account, this.ingest.check(driver.parse(request, account)), (content) => this.ingest.ingest(account, content, now()));
  }

  /** Stores content already authenticated by other means (the IngestMessage RPC). */
  async receiveContent(account: ChannelAccountWithSecrets, content: WebhookContent, now: () => Date): Promise<IngestedMessage[]> {
    this.takeRate(account, now().getTime());
    return this.ingest.ingest(account, content, now());
  }

  async challenge(kind: ChannelKind, tenantId: string, accountId: string, request: WebhookRequest, now: () => Date): Promise<string> {
    const account = await this.account(kind, tenantId, accountId, now().getTime());
    const driver = this.drivers.get(kind);
    if (!driver.challenge) throw new ChannelNotFoundError('subscription-check', kind);
    return driver.challenge(request, account);
  }

  private async withMedia(
    driver: ChannelDriver,
    account: ChannelAccountWithSecrets,
    content: WebhookContent,
    store: (content: WebhookContent) => Promise<IngestedMessage[]>,
  ): Promise<IngestedMessage[]> {
    const pending = (a: MessageAttachment) => a.content === undefined && !!a.url;
    const withPending = content.messages.filter((m) => m.attachments.some(pending));
    if (!driver.fetchMedia || withPending.length === 0) return store(content);
    // Claimed before the first await, so of two deliveries arriving together the second waits.
    const keys = withPending.map((m) => `${account.tenantId}\u0000${account.accountId}\u0000${m.providerMessageId}`);
    const earlier = keys.flatMap((key) => this.inFlight.get(key) ?? []);
    let settle!: () => void;
    const mine = new Promise<void>((resolve) => (settle = resolve));
    for (const key of keys) this.inFlight.set(key, mine);
    try {
      await Promise.all(earlier);
      // A redelivered message is acknowledged as a duplicate without storing anything: its files are not fetched again.
      const known = await this.ingest.known(account, withPending.map((m) => m.providerMessageId));
      const messages = await Promise.all(
        content.messages.map(async (message) =>
          known.has(message.providerMessageId)
            ? message
            : { ...message, attachments: await Promise.all(message.attachments.map((a) => (pending(a) ? this.download(driver, account, a) : a))) },
        ),
      );
      return await store({ ...content, messages });
    } finally {
      for (const key of keys) if (this.inFlight.get(key) === mine) this.inFlight.delete(key);
      settle();
    }
  }

  /**
   * The file becomes the attachment's content, with the server's content type. Too large is
   * refused (413); any other failure keeps the provider's reference, so the message is not lost
   * to a media host's hiccup (providers such as Twilio do not redeliver).
   */
  private async download(driver: ChannelDriver, account: ChannelAccountWithSecrets, attachment: MessageAttachment): Promise<MessageAttachment> {
    if (attachment.sizeBytes > this.maxAttachmentBytes) throw new PayloadTooLargeError('attachment-too-large', `${attachment.sizeBytes} bytes, at most ${this.maxAttachmentBytes}`);
    try {
      const media = await driver.fetchMedia!(account, attachment, this.maxAttachmentBytes);
      // The server's type when it names a specific one; the payload's guess otherwise.
      const contentType = media.contentType && media.contentType !== 'application/octet-stream' && isMediaType(media.contentType) ? media.contentType : attachment.contentType;
      return { ...attachment, content: media.content, sizeBytes: media.content.byteLength, contentType };
    } catch (error) {
      if (error instanceof PayloadTooLargeError) throw error;
      this.onMediaError(error, { kind: account.kind, accountId: account.accountId, fileName: attachment.fileName });
      return attachment;
    }
  }

  /** The account's own limit, then the tenant's over all its accounts. */
  private takeRate(account: ChannelAccountWithSecrets, nowMs: number): void {
    const rate = account.rateLimitPerSecond || this.defaultRatePerSecond;
    const verdict = this.rates.take(account.tenantId, account.accountId, rate, nowMs);
    if (!verdict.allowed) throw new RateLimitedError(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)), `over ${rate} messages per second on this account`);
    const tenant = this.rates.take(account.tenantId, '*', this.tenantRatePerSecond, nowMs);
    if (!tenant.allowed) throw new RateLimitedError(Math.max(1, Math.ceil(tenant.retryAfterMs / 1000)), `over ${this.tenantRatePerSecond} messages per second for this tenant`);
  }
}
