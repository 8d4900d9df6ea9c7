import type { DataSource } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { senderIdentity } from '../../domain/sender-identity';
import type { WebChatMessage } from '../../drivers/webchat/webchat-frames';
import type { WebChatBackend, WebChatProfile, WebChatVisitor, WebChatWidget } from '../../drivers/webchat/webchat.port';
import type { ChannelAccountRepository } from '../../persistence/channel-account.repository';
import type { WebChatRepository } from '../../persistence/webchat.repository';
import type { AccountDirectory } from '../account-directory/account-directory';
import type { IngestInboundUseCase } from '../ingest-inbound/ingest-inbound.use-case';
import { eventChannelOf } from '../event-mapping';

/** A web-chat account's page origins (settings `allowed_origins`, separated by spaces or commas). */
export function allowedOriginsOf(account: Pick<ChannelAccountWithSecrets, 'settings'>): string[] {
  return (account.settings.allowed_origins ?? '').split(/[\s,]+/).filter(Boolean);
}

/**
 * The web-chat gateway's storage: widgets are web-chat channel accounts (address = widget id),
 * customer messages go through the same ingest as every webhook (one transaction with
 * MessageReceived / InteractionRequested in the outbox), idempotent by `visitor:clientMessageId`
 * as the provider message id, then numbered for the widget.
 */
export class PostgresWebChatBackend implements WebChatBackend {
  private readonly outbox = new OutboxWriter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: AccountDirectory,
    private readonly ingest: IngestInboundUseCase,
    private readonly repository: WebChatRepository,
    private readonly accounts: ChannelAccountRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async resolveWidget(widgetId: string): Promise<WebChatWidget | null> {
    const found = await this.accounts.byAddress(this.dataSource.manager, 'webchat', widgetId);
    const account = found && (await this.directory.find(found.tenantId, found.accountId, this.now().getTime()));
    if (!account || account.disabled || account.kind !== 'webchat') return null;
    return { tenantId: account.tenantId, channelAccountId: account.accountId, widgetId: account.address, allowedOrigins: allowedOriginsOf(account) };
  }

  profile(visitor: WebChatVisitor): Promise<WebChatProfile | null> {
    const { tenantId, channelAccountId } = visitor.widget;
    return withTenantTransaction(this.dataSource, (manager) => this.repository.profile(manager, tenantId, channelAccountId, visitor.visitorId), { workspaceId: '', tenantId });
  }

  async saveProfile(visitor: WebChatVisitor, profile: WebChatProfile): Promise<void> {
    const { tenantId, channelAccountId } = visitor.widget;
    await withTenantTransaction(this.dataSource, (manager) => this.repository.saveProfile(manager, tenantId, channelAccountId, visitor.visitorId, profile, this.now()), { workspaceId: '', tenantId });
  }

  async acceptCustomerMessage(visitor: WebChatVisitor, message: { clientMessageId: string; text: string; at: Date }): Promise<WebChatMessage> {
    const account = await this.account(visitor);
    const profile = await this.profile(visitor);
    const providerMessageId = `${visitor.visitorId}:${message.clientMessageId}`;
    await this.ingest.ingest(
      account,
      {
        messages: [
          {
            providerMessageId,
            conversationKey: visitor.visitorId,
            // The pre-chat e-mail is who the visitor says they are: history links it to a known customer.
            sender: profile ? senderIdentity('email', profile.email, { displayName: profile.name }) : senderIdentity('webchat', visitor.visitorId),
            text: message.text,
            attachments: [],
            sentAt: message.at,
          },
        ],
        statuses: [],
      },
      message.at,
    );
    const stored = await withTenantTransaction(
      this.dataSource,
      (manager) => this.repository.sequence(manager, account.tenantId, account.accountId, visitor.visitorId, { providerMessageId }, this.now()),
      { workspaceId: account.workspaceId, tenantId: account.tenantId },
    );
    if (!stored) throw new Error(`the stored web-chat message ${providerMessageId} was not found`);
    return stored;
  }

  messagesAfter(visitor: WebChatVisitor, afterSeq: number): Promise<readonly WebChatMessage[]> {
    const { tenantId, channelAccountId } = visitor.widget;
    return withTenantTransaction(this.dataSource, (manager) => this.repository.messagesAfter(manager, tenantId, channelAccountId, visitor.visitorId, afterSeq), { workspaceId: '', tenantId });
  }

  /**
   * Tells the agent side through the message topic (CustomerTypingChanged), via the outbox so it
   * stays in order with the visitor's messages. Typing before the first message concerns nobody yet.
   */
  async customerTyping(visitor: WebChatVisitor, on: boolean): Promise<void> {
    const account = await this.account(visitor);
    const now = this.now();
    await withTenantTransaction(
      this.dataSource,
      async (manager) => {
        const open = await this.repository.openConversation(manager, account.tenantId, account.accountId, visitor.visitorId);
        if (!open) return;
        await this.outbox.append(manager, [
          {
            definition: Events.CustomerTypingChanged,
            workspaceId: account.workspaceId,
            tenantId: account.tenantId,
            time: now,
            payload: {
              tenantId: account.tenantId,
              channelAccountId: account.accountId,
              channel: eventChannelOf(account.kind),
              interactionId: open.interactionId,
              conversationKey: visitor.visitorId,
              agentId: open.agentId ?? '',
              typing: on,
              occurredAt: toTimestamp(now),
            },
          },
        ]);
      },
      { workspaceId: account.workspaceId, tenantId: account.tenantId },
    );
  }

  /** The visitor's read receipt is a delivery status like any provider's: recorded once, with MessageStatusChanged. */
  async customerRead(visitor: WebChatVisitor, upToSeq: number): Promise<void> {
    const account = await this.account(visitor);
    const unread = await withTenantTransaction(
      this.dataSource,
      (manager) => this.repository.unreadUpTo(manager, account.tenantId, account.accountId, visitor.visitorId, upToSeq),
      { workspaceId: account.workspaceId, tenantId: account.tenantId },
    );
    if (unread.length === 0) return;
    const now = this.now();
    await this.ingest.ingest(account, { messages: [], statuses: unread.map((providerMessageId) => ({ providerMessageId, status: 'read' as const, occurredAt: now })) }, now);
  }

  private async account(visitor: WebChatVisitor): Promise<ChannelAccountWithSecrets> {
    const account = await this.directory.find(visitor.widget.tenantId, visitor.widget.channelAccountId, this.now().getTime());
    if (!account || account.disabled) throw new Error(`web-chat account ${visitor.widget.channelAccountId} is gone`);
    return account;
  }
}
