import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { ChannelNotFoundError, ProviderError } from '../../domain/channel.errors';
import type { WebChatRepository } from '../../persistence/webchat.repository';
import type { ChannelDriver, OutboundMessage, SendResult, WebhookContent } from '../channel-driver.port';

/**
 * Web chat in the common port: no webhooks (customers come over the gateway's WebSocket), and
 * "sending" numbers the agent's reply in the visitor's conversation. The socket push happens on
 * MessageSent (WebChatDeliveryConsumer), so whichever instance holds the visitor's socket
 * delivers it, and a visitor who is offline gets it on reconnect.
 */
export class WebChatDriver implements ChannelDriver {
  readonly kind = 'webchat' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WebChatRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  verify(): void {
    throw new ChannelNotFoundError('webhook', 'webchat');
  }

  parse(): WebhookContent {
    throw new ChannelNotFoundError('webhook', 'webchat');
  }

  async send(account: ChannelAccountWithSecrets, message: OutboundMessage): Promise<SendResult> {
    const numbered = await withTenantTransaction(
      this.dataSource,
      (manager) => this.repository.sequence(manager, account.tenantId, account.accountId, message.to, { idempotencyKey: message.idempotencyKey }, this.now()),
      { workspaceId: account.workspaceId, tenantId: account.tenantId },
    );
    if (!numbered) throw new ProviderError('webchat-message-missing', 'the reply was not claimed before sending', false);
    return { providerMessageId: `webchat:${numbered.messageId}` };
  }
}
