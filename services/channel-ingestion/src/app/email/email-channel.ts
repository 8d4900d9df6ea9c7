import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import type { ChannelDriver, OutboundMessage, SendResult, WebhookContent } from '../../drivers/channel-driver.port';
import { ChannelNotFoundError, ProviderError } from '../../domain/channel.errors';
import { emailAccountSettings } from '../../drivers/email/email-account.settings';
import { EmailDriver, type SmtpInboundConfig } from '../../drivers/email/email.driver';
import { emailRejection, toInboundMessage } from '../../drivers/email/email-inbound.mapper';
import { referenceTokenFor, resolveEmailThread, subjectReferenceTokens, threadLookupIds } from '../../drivers/email/email-threading.policy';
import type { EmailRecipient, ReceivedEmail } from '../../drivers/email/email.types';
import { EmailSendError, type SmtpTransportConfig } from '../../drivers/email/smtp-reply.sender';
import type { EmailThreadRepository } from '../../persistence/email-thread.repository';
import type { ChannelAccountRepository } from '../../persistence/channel-account.repository';
import type { AccountDirectory } from '../account-directory/account-directory';
import type { IngestInboundUseCase } from '../ingest-inbound/ingest-inbound.use-case';

export interface EmailChannelOptions {
  /** The inbound MX (smtp-server); absent when this instance only polls mailboxes and sends. */
  readonly smtpInbound?: SmtpInboundConfig;
  /** The platform relay replies go through unless an account brings its own. */
  readonly relay: SmtpTransportConfig;
  /** Domain of our Message-IDs, e.g. mail.cc.example. */
  readonly messageIdDomain: string;
  readonly imapPollIntervalMs: number;
  /** How often the list of IMAP accounts is re-read, so added, changed and removed mailboxes follow (default 30 s). */
  readonly mailboxSyncMs?: number;
  /** Only for test servers with self-signed certificates. */
  readonly imapRejectUnauthorized?: boolean;
  /** Resolves and checks tenant-given mail servers against the address policy (EmailDriverOptions.pinHost). */
  readonly pinHost?: (host: string, port: number) => Promise<string>;
  readonly onError?: (error: Error, context: Record<string, unknown>) => void;
}

const scopeOf = (tenantId: string) => ({ workspaceId: '', tenantId });

/**
 * E-mail in the pipeline: inbound mail (SMTP MX or polled IMAP mailboxes) is threaded onto a
 * conversation and stored through the common ingest (Message-ID = provider message id, so a
 * redelivery is accepted once); agents' replies go out by SMTP with In-Reply-To, References and
 * the conversation's `[#TOKEN]`, and are recorded so the customer's answer threads back.
 */
export class EmailChannel implements ChannelDriver {
  readonly kind = 'email' as const;
  /** Mail carries its attachments: replies get the bytes (MIME parts), fetched when given by URL. */
  readonly inlineAttachments = true;
  readonly driver: EmailDriver;
  private readonly mailboxes = new Map<string, string>();
  private syncTimer?: NodeJS.Timeout;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: AccountDirectory,
    private readonly ingest: IngestInboundUseCase,
    private readonly threads: EmailThreadRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly options: EmailChannelOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.driver = new EmailDriver({
      ...(options.smtpInbound ? { smtpInbound: options.smtpInbound } : {}),
      outbound: options.relay,
      messageIdDomain: options.messageIdDomain,
      imapPollIntervalMs: options.imapPollIntervalMs,
      resolveRecipient: (address) => this.resolveRecipient(address),
      onInbound: (mail) => this.receive(mail),
      now,
      ...(options.pinHost ? { pinHost: options.pinHost } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  async start(): Promise<void> {
    await this.driver.start();
    await this.syncMailboxes();
    this.syncTimer = setInterval(() => void this.syncMailboxes(), this.options.mailboxSyncMs ?? 30_000);
    this.syncTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.syncing;
    await this.driver.stop();
  }

  /** Polls every enabled IMAP account; an account's changed settings restart its poller. */
  syncMailboxes(): Promise<void> {
    this.syncing = this.syncing.then(() => this.sync()).catch((error) => this.options.onError?.(error as Error, { part: 'mailbox-sync' }));
    return this.syncing;
  }

  /** An exact address wins over its `@domain` account; unknown addresses are not ours (550). */
  async resolveRecipient(address: string): Promise<EmailRecipient | null> {
    const lower = address.trim().toLowerCase();
    const found =
      (await this.accounts.byAddress(this.dataSource.manager, 'email', lower)) ??
      (await this.accounts.byAddress(this.dataSource.manager, 'email', `@${lower.split('@').pop()}`));
    return found ? { tenantId: found.tenantId, channelAccountId: found.accountId, address: lower } : null;
  }

  /** Resolves only once the mail is stored for every account it was addressed to. */
  async receive(mail: ReceivedEmail): Promise<void> {
    try {
      for (const recipient of mail.recipients) await this.receiveFor(recipient, mail);
    } catch (error) {
      throw emailRejection(error);
    }
  }

  verify(): void {
    throw new ChannelNotFoundError('webhook', 'email');
  }

  parse(): WebhookContent {
    throw new ChannelNotFoundError('webhook', 'email');
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const settings = emailAccountSettings(account);
    const parent = await withTenantTransaction(this.dataSource, (manager) => this.threads.lastInbound(manager, account.tenantId, account.accountId, message.to), scopeOf(account.tenantId));
    if (!parent) throw new ProviderError('email-no-customer-mail', 'the conversation has no customer mail to answer', false);
    let sent;
    try {
      sent = await this.driver.send(
        {
          // The idempotency key is stable across retries of one reply, so the Message-ID is too.
          outboundId: message.idempotencyKey,
          from: { address: parent.toAddress, ...(settings.fromName ? { name: settings.fromName } : {}) },
          to: [{ address: parent.fromAddress }],
          parent: { messageId: parent.messageId, references: parent.references, subject: parent.subject },
          referenceToken: parent.referenceToken,
          text: message.text,
          attachments: message.attachments.map((a) => ({ filename: a.fileName, contentType: a.contentType, content: Buffer.from(a.content ?? new Uint8Array()) })),
        },
        settings.relay,
      );
    } catch (error) {
      if (error instanceof EmailSendError) throw new ProviderError(error.permanent ? 'smtp-rejected' : 'smtp-unavailable', error.message, !error.permanent);
      throw error;
    }
    await withTenantTransaction(
      this.dataSource,
      (manager) =>
        this.threads.record(manager, account.tenantId, {
          accountId: account.accountId,
          messageId: sent.messageId,
          conversationKey: message.to,
          referenceToken: parent.referenceToken,
          direction: 'outbound',
          subject: sent.subject,
          references: sent.references,
          fromAddress: parent.toAddress,
          toAddress: parent.fromAddress,
          createdAt: this.now(),
        }),
      scopeOf(account.tenantId),
    );
    return { providerMessageId: sent.messageId };
  }

  private async receiveFor(recipient: EmailRecipient, mail: ReceivedEmail): Promise<void> {
    const account = await this.directory.find(recipient.tenantId, recipient.channelAccountId, this.now().getTime());
    if (!account || account.disabled || account.kind !== 'email') throw new ChannelNotFoundError('channel-account', recipient.channelAccountId);
    const { email } = mail;
    const scope = { workspaceId: account.workspaceId, tenantId: account.tenantId };
    const known = await withTenantTransaction(
      this.dataSource,
      (manager) => this.threads.known(manager, account.tenantId, account.accountId, threadLookupIds(email), subjectReferenceTokens(email.subject)),
      scope,
    );
    const decision = resolveEmailThread(email, known);
    await this.ingest.ingest(account, { messages: [toInboundMessage(email, decision.conversationKey)], statuses: [] }, mail.receivedAt);
    // After the message: a redelivery finds it stored (a duplicate) and records this again, harmlessly.
    await withTenantTransaction(
      this.dataSource,
      (manager) =>
        this.threads.record(manager, account.tenantId, {
          accountId: account.accountId,
          messageId: email.messageId,
          conversationKey: decision.conversationKey,
          referenceToken: decision.kind === 'new' ? decision.referenceToken : referenceTokenFor(decision.conversationKey),
          direction: 'inbound',
          subject: email.subject,
          references: email.references,
          fromAddress: email.from?.address ?? '',
          toAddress: recipient.address,
          createdAt: mail.receivedAt,
        }),
      scope,
    );
  }

  private async sync(): Promise<void> {
    const ids = await this.accounts.idsOfKind(this.dataSource.manager, 'email');
    const wanted = new Set<string>();
    for (const id of ids) {
      const account = await this.directory.find(id.tenantId, id.accountId, this.now().getTime());
      if (!account || account.disabled) continue;
      let settings;
      try {
        settings = emailAccountSettings(account);
      } catch (error) {
        // Validated on save; an account stored before validation existed must not stop the others.
        this.options.onError?.(error as Error, { part: 'mailbox-sync', channelAccountId: account.accountId });
        continue;
      }
      if (!settings.imap) continue;
      const key = `${account.tenantId}/${account.accountId}`;
      wanted.add(key);
      const fingerprint = JSON.stringify(settings.imap);
      if (this.mailboxes.get(key) === fingerprint) continue;
      const { tenantId, accountId } = account;
      await this.driver.addMailbox({
        account: { tenantId, channelAccountId: accountId, address: account.address.toLowerCase() },
        ...settings.imap,
        ...(this.options.imapRejectUnauthorized === undefined ? {} : { rejectUnauthorized: this.options.imapRejectUnauthorized }),
        cursorStore: {
          load: () => withTenantTransaction(this.dataSource, (manager) => this.threads.cursor(manager, tenantId, accountId), scopeOf(tenantId)),
          save: (cursor) => withTenantTransaction(this.dataSource, (manager) => this.threads.saveCursor(manager, tenantId, accountId, cursor, this.now()), scopeOf(tenantId)),
        },
      });
      this.mailboxes.set(key, fingerprint);
    }
    for (const key of [...this.mailboxes.keys()].filter((k) => !wanted.has(k))) {
      const [tenantId, channelAccountId] = key.split('/');
      await this.driver.removeMailbox({ tenantId, channelAccountId });
      this.mailboxes.delete(key);
    }
  }
}
