import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { ChannelError, ChannelNotFoundError, InvalidChannelRequestError, PayloadTooLargeError, ProviderError } from '../../domain/channel.errors';
import { renderTemplate } from '../../domain/message-template';
import { isMediaType, type MessageLimits } from '../../domain/normalized-message';
import type { DriverRegistry } from '../../drivers/driver-registry';
import { type GuardedFetchClient, PUBLIC_ONLY_FETCH } from '../../drivers/guarded-fetch.client';
import { downloadMedia } from '../../drivers/media-download';
import type { MessageLogRepository } from '../../persistence/message-log.repository';
import type { TemplateRepository } from '../../persistence/template.repository';
import type { AccountDirectory } from '../account-directory/account-directory';
import { eventChannelOf } from '../event-mapping';

export interface SendMessageCommand {
  readonly tenantId: string;
  readonly agentId: string;
  readonly interactionId: string;
  readonly text: string;
  readonly templateName?: string;
  readonly templateVariables: Readonly<Record<string, string>>;
  /** By URL (providers fetch media themselves); inline bytes only where the driver carries them (e-mail). */
  readonly attachments: readonly OutboundAttachment[];
  readonly idempotencyKey?: string;
}

export interface SendMessageResult {
  readonly messageId: string;
  readonly providerMessageId: string;
  readonly status: 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
  readonly text: string;
}

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

type OutboundAttachment = { readonly fileName: string; readonly contentType: string; readonly url: string; readonly content?: Uint8Array };

/**
 * An agent's reply on the interaction's own channel: the idempotency key is claimed first (a
 * retried call returns the first result), the provider is called with bounded retries, and
 * the outcome is stored with MessageSent in the outbox.
 */
export class SendMessageUseCase {
  private readonly outbox = new OutboxWriter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: MessageLogRepository,
    private readonly templates: TemplateRepository,
    private readonly directory: AccountDirectory,
    private readonly drivers: DriverRegistry,
    private readonly limits: MessageLimits,
    /** Attachments given by URL are fetched under the address policy. */
    private readonly media: GuardedFetchClient = PUBLIC_ONLY_FETCH,
  ) {}

  async send(command: SendMessageCommand, now: () => Date): Promise<SendMessageResult> {
    const { tenantId } = command;
    if (command.idempotencyKey && !KEY.test(command.idempotencyKey)) throw new InvalidChannelRequestError('idempotency-key-invalid', 'an idempotency key is 8 to 128 of A-Z a-z 0-9 . _ : -');
    if (command.text && command.templateName) throw new InvalidChannelRequestError('text-and-template', 'give text or a template, not both');
    for (const a of command.attachments) {
      if (a.url && !/^https?:\/\//.test(a.url)) throw new InvalidChannelRequestError('attachment-url-invalid', 'an attachment URL is http(s)');
      if (!a.url && !a.content) throw new InvalidChannelRequestError('attachment-empty', 'an attachment needs a URL or its content');
      if (!isMediaType(a.contentType)) throw new InvalidChannelRequestError('attachment-content-type-invalid', `${JSON.stringify(a.contentType.slice(0, 64))} is not a media type`);
      if (a.content && a.content.byteLength > this.limits.maxAttachmentBytes) {
        throw new PayloadTooLargeError('attachment-too-large', `${a.content.byteLength} bytes, at most ${this.limits.maxAttachmentBytes}`);
      }
    }
    if (command.attachments.length > this.limits.maxAttachments) throw new PayloadTooLargeError('too-many-attachments', `${command.attachments.length}, at most ${this.limits.maxAttachments}`);
    const { conversation, text } = await withTenantTransaction(this.dataSource, async (manager) => {
      const found = await this.log.conversation(manager, tenantId, command.interactionId);
      if (!found) throw new ChannelNotFoundError('interaction', command.interactionId);
      let body = command.text;
      if (command.templateName) {
        const template = await this.templates.get(manager, tenantId, command.templateName);
        if (!template) throw new ChannelNotFoundError('template', command.templateName);
        body = renderTemplate(template.body, command.templateVariables);
      }
      return { conversation: found, text: body };
    });
    if (text.trim() === '' && command.attachments.length === 0) throw new InvalidChannelRequestError('message-empty', 'a message needs text or an attachment');
    if (text.length > this.limits.maxTextChars) throw new PayloadTooLargeError('text-too-long', `${text.length} characters, at most ${this.limits.maxTextChars}`);
    const account = await this.directory.find(tenantId, conversation.accountId, now().getTime());
    if (!account || account.disabled) throw new ChannelNotFoundError('channel-account', conversation.accountId);
    const driver = this.drivers.get(account.kind);
    if (!driver.inlineAttachments && command.attachments.some((a) => !a.url)) {
      throw new InvalidChannelRequestError('attachment-url-required', `${account.kind} providers fetch attachments themselves: send them by URL`);
    }
    const scope = { workspaceId: account.workspaceId, tenantId };
    const idempotencyKey = command.idempotencyKey || randomUUID();

    const claim = await withTenantTransaction(
      this.dataSource,
      (manager) =>
        this.log.claimOutbound(manager, { tenantId, accountId: account.accountId, messageId: randomUUID(), interactionId: conversation.interactionId, idempotencyKey, agentId: command.agentId, text, createdAt: now() }),
      scope,
    );
    if (!claim.claimed && claim.interactionId !== conversation.interactionId) throw new InvalidChannelRequestError('idempotency-key-reused', 'the key was used for another interaction');
    if (!claim.claimed && claim.status !== 'pending' && claim.status !== 'failed') {
      return { messageId: claim.messageId, providerMessageId: claim.providerMessageId ?? '', status: claim.status, text: claim.text };
    }

    let providerMessageId: string;
    let attachments = command.attachments;
    try {
      if (driver.inlineAttachments) attachments = await Promise.all(attachments.map((a) => this.withContent(a)));
      ({ providerMessageId } = await driver.send(account, { to: conversation.conversationKey, text: claim.text, attachments, idempotencyKey }));
    } catch (error) {
      const reason = error instanceof ChannelError ? error.reason : 'provider-failed';
      await withTenantTransaction(this.dataSource, (manager) => this.log.markFailed(manager, tenantId, claim.messageId, reason), scope);
      if (error instanceof ChannelError) throw error;
      throw new ProviderError(reason, (error as Error).message, true);
    }
    const sentAt = now();
    await withTenantTransaction(
      this.dataSource,
      async (manager) => {
        await this.log.markSent(manager, tenantId, claim.messageId, providerMessageId, sentAt);
        const stored = attachments.map((a) => ({
          attachmentId: randomUUID(),
          fileName: a.fileName,
          contentType: a.contentType,
          sizeBytes: a.content?.byteLength ?? 0,
          ...(a.content ? { content: a.content } : {}),
          ...(a.url ? { url: a.url } : {}),
        }));
        await this.log.storeAttachments(manager, tenantId, claim.messageId, stored);
        await this.outbox.append(manager, [
          {
            definition: Events.MessageSent,
            workspaceId: account.workspaceId,
            tenantId,
            time: sentAt,
            payload: {
              messageId: claim.messageId,
              tenantId,
              channelAccountId: account.accountId,
              channel: eventChannelOf(account.kind),
              interactionId: conversation.interactionId,
              agentId: command.agentId,
              text: claim.text,
              attachments: stored.map((a) => ({ attachmentId: a.attachmentId, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes })),
              sentAt: toTimestamp(sentAt),
            },
          },
        ]);
      },
      scope,
    );
    return { messageId: claim.messageId, providerMessageId, status: 'sent', text: claim.text };
  }

  /** A driver that carries bytes gets them: an attachment given by URL is fetched, within the attachment limit. */
  private async withContent(attachment: OutboundAttachment): Promise<OutboundAttachment> {
    if (attachment.content) return attachment;
    const media = await downloadMedia(this.media, 'attachment', { url: attachment.url }, this.limits.maxAttachmentBytes);
    return { ...attachment, content: media.content };
  }
}
