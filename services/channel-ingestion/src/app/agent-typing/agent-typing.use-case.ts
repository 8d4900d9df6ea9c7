import type { DataSource } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { ChannelConflictError, ChannelNotFoundError } from '../../domain/channel.errors';
import type { MessageLogRepository } from '../../persistence/message-log.repository';
import type { AccountDirectory } from '../account-directory/account-directory';
import { eventChannelOf } from '../event-mapping';

export interface AgentTypingCommand {
  readonly tenantId: string;
  readonly agentId: string;
  readonly interactionId: string;
  readonly typing: boolean;
}

/**
 * An agent's typing, for the customer's widget: AgentTypingChanged through the outbox, so it
 * reaches whichever instance holds the visitor's socket and keeps its place before the agent's
 * message. Only web chat can show it; a closed conversation has nobody to show it to.
 */
export class AgentTypingUseCase {
  private readonly outbox = new OutboxWriter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: MessageLogRepository,
    private readonly directory: AccountDirectory,
  ) {}

  async set(command: AgentTypingCommand, now: () => Date): Promise<void> {
    const { tenantId } = command;
    const conversation = await withTenantTransaction(this.dataSource, (manager) => this.log.conversation(manager, tenantId, command.interactionId));
    if (!conversation) throw new ChannelNotFoundError('interaction', command.interactionId);
    if (conversation.status === 'closed') throw new ChannelConflictError('interaction-closed', 'the conversation is closed');
    const at = now();
    const account = await this.directory.find(tenantId, conversation.accountId, at.getTime());
    if (!account || account.disabled) throw new ChannelNotFoundError('channel-account', conversation.accountId);
    if (account.kind !== 'webchat') throw new ChannelConflictError('typing-unsupported', `${account.kind} cannot show that an agent is typing`);
    await withTenantTransaction(
      this.dataSource,
      (manager) =>
        this.outbox.append(manager, [
          {
            definition: Events.AgentTypingChanged,
            workspaceId: account.workspaceId,
            tenantId,
            time: at,
            payload: {
              tenantId,
              channelAccountId: account.accountId,
              channel: eventChannelOf(account.kind),
              interactionId: conversation.interactionId,
              conversationKey: conversation.conversationKey,
              agentId: command.agentId,
              typing: command.typing,
              occurredAt: toTimestamp(at),
            },
          },
        ]),
      { workspaceId: account.workspaceId, tenantId },
    );
  }
}
