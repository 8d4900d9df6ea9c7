import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, type Role, TenantContextInterceptor } from '@contactcenter/auth';
import { messagingV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { AgentTypingUseCase } from '../app/agent-typing/agent-typing.use-case';
import { ReceiveWebhookUseCase } from '../app/receive-webhook/receive-webhook.use-case';
import { SendMessageUseCase } from '../app/send-message/send-message.use-case';
import { InvalidChannelRequestError } from '../domain/channel.errors';
import { apiInboundMessage } from '../drivers/api/api-channel.driver';
import { dateOf } from './channel-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';

/** Whoever answers customers, and the services and integrations acting for them. */
const SENDERS: Role[] = ['agent', 'team-lead', 'supervisor', 'tenant-admin', 'platform-admin', 'integration', 'service'];
/** Custom channels are bots and apps: integration clients and services. */
const INGESTERS: Role[] = ['integration', 'service', 'platform-admin'];

const STATUS: Record<string, messagingV1.DeliveryStatus> = {
  pending: messagingV1.DeliveryStatus.DELIVERY_STATUS_PENDING,
  sent: messagingV1.DeliveryStatus.DELIVERY_STATUS_SENT,
  delivered: messagingV1.DeliveryStatus.DELIVERY_STATUS_DELIVERED,
  read: messagingV1.DeliveryStatus.DELIVERY_STATUS_READ,
  failed: messagingV1.DeliveryStatus.DELIVERY_STATUS_FAILED,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** gRPC MessagingService: agents' replies (and typing) out, custom-channel messages in. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class MessagingController {
  constructor(
    @Inject(SendMessageUseCase) private readonly sender: SendMessageUseCase,
    @Inject(ReceiveWebhookUseCase) private readonly inbound: ReceiveWebhookUseCase,
    @Inject(AgentTypingUseCase) private readonly typing: AgentTypingUseCase,
  ) {}

  @RequireRoles(...SENDERS)
  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'SetAgentTyping')
  setAgentTyping(@Payload() request: messagingV1.SetAgentTypingRequest, @CurrentPrincipal() principal: Principal): Promise<messagingV1.SetAgentTypingResponse> {
    return mapRpcErrors(async () => {
      if (!request.interactionId) throw new InvalidChannelRequestError('interaction-id-missing', 'interaction_id is required');
      await this.typing.set({ tenantId: TenantContext.requireTenantId('SetAgentTyping'), agentId: principal.subject, interactionId: request.interactionId, typing: request.typing ?? false }, () => new Date());
      return {};
    });
  }

  @RequireRoles(...SENDERS)
  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'SendMessage')
  sendMessage(@Payload() request: messagingV1.SendMessageRequest, @CurrentPrincipal() principal: Principal): Promise<messagingV1.SendMessageResponse> {
    return mapRpcErrors(async () => {
      if (!request.interactionId) throw new InvalidChannelRequestError('interaction-id-missing', 'interaction_id is required');
      const result = await this.sender.send(
        {
          tenantId: TenantContext.requireTenantId('SendMessage'),
          agentId: principal.subject,
          interactionId: request.interactionId,
          text: request.text ?? '',
          templateName: request.templateName || undefined,
          templateVariables: { ...(request.templateVariables ?? {}) },
          attachments: (request.attachments ?? []).map((a) => ({
            fileName: a.fileName || 'attachment',
            contentType: a.contentType || 'application/octet-stream',
            url: a.url ?? '',
            ...(a.content?.length ? { content: a.content } : {}),
          })),
          idempotencyKey: request.idempotencyKey || undefined,
        },
        () => new Date(),
      );
      return { messageId: result.messageId, providerMessageId: result.providerMessageId, status: STATUS[result.status], text: result.text };
    });
  }

  @RequireRoles(...INGESTERS)
  @GrpcMethod(messagingV1.MESSAGING_SERVICE_NAME, 'IngestMessage')
  ingestMessage(@Payload() request: messagingV1.IngestMessageRequest): Promise<messagingV1.IngestMessageResponse> {
    return mapRpcErrors(async () => {
      const tenantId = TenantContext.requireTenantId('IngestMessage');
      if (!request.channelAccountId || !UUID.test(request.channelAccountId)) throw new InvalidChannelRequestError('channel-account-id-invalid', 'channel_account_id must be a UUID');
      const account = await this.inbound.account('api', tenantId, request.channelAccountId.toLowerCase(), Date.now());
      const message = apiInboundMessage(
        {
          providerMessageId: request.providerMessageId ?? '',
          conversationKey: request.conversationKey || undefined,
          senderPhone: request.senderPhone || undefined,
          senderEmail: request.senderEmail || undefined,
          senderUserId: request.senderUserId || undefined,
          senderName: request.senderName || undefined,
          text: request.text ?? '',
          attachments: (request.attachments ?? []).map((a) => ({ fileName: a.fileName ?? '', contentType: a.contentType ?? '', content: a.content?.length ? a.content : undefined, url: a.url || undefined })),
          sentAt: dateOf(request.sentAt),
        },
        account,
      );
      const [result] = await this.inbound.receiveContent(account, { messages: [message], statuses: [] }, () => new Date());
      return { messageId: result.messageId ?? '', interactionId: result.interactionId ?? '', duplicate: result.duplicate, newInteraction: result.newInteraction ?? false };
    });
  }
}
