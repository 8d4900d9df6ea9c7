import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { commonV1, Events, toTimestamp } from '@contactcenter/contracts';
import { type OutboxEvent, OutboxWriter } from '@contactcenter/messaging';
import { withScopedTransaction, withTenantTransaction } from '@contactcenter/tenancy';
import type { ChannelAccountWithSecrets } from '../../domain/channel-account';
import { checkInboundMessage, type MessageLimits } from '../../domain/normalized-message';
import { chooseQueue } from '../../domain/routing-rules.policy';
import { identityLabel } from '../../domain/sender-identity';
import type { WebhookContent } from '../../drivers/channel-driver.port';
import { type AttachmentRow, ConcurrentDuplicateError, type InboundRow, type MessageLogRepository } from '../../persistence/message-log.repository';
import { eventChannelOf } from '../event-mapping';

export interface IngestedMessage {
  readonly providerMessageId: string;
  readonly duplicate: boolean;
  readonly messageId?: string;
  readonly interactionId?: string;
  readonly newInteraction?: boolean;
}

interface PendingIngest {
  readonly account: ChannelAccountWithSecrets;
  readonly content: WebhookContent;
  readonly now: Date;
  readonly resolve: (results: IngestedMessage[]) => void;
  readonly reject: (error: unknown) => void;
}

/** Conversations are locked in this order within a batch (first message's account and key). */
const lockOrder = (item: PendingIngest) => {
  const [first] = item.content.messages;
  return first ? `${item.account.accountId}\u0000${first.conversationKey}` : '';
};

/**
 * Stores what a provider sent — every message, its attachments, the interaction it opens or
 * joins, delivery statuses — and the resulting events in the outbox, all in ONE transaction,
 * before the caller answers the provider. A provider id seen before is acknowledged, not stored.
 *
 * Group commit: calls for one tenant that arrive while its transactions run wait and share the
 * next one, so a burst costs one commit per batch instead of one per webhook; a few batches run
 * at once, each taking conversations in key order so concurrent batches do not deadlock on a
 * shared conversation (a deadlock PostgreSQL still detects only redoes the batch call by call). Every
 * caller returns only after its own messages committed; a batch that fails is redone call by
 * call, so one bad call never fails its neighbours.
 */
export class IngestInboundUseCase {
  private readonly outbox = new OutboxWriter();
  private readonly queues = new Map<string, { items: PendingIngest[]; workers: number }>();
  private readonly retries = new WeakMap<PendingIngest, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: MessageLogRepository,
    private readonly limits: MessageLimits,
    private readonly maxBatch = 128,
    private readonly maxConcurrentBatches = 2,
  ) {}

  /** Validates before any I/O, so malformed and oversize input never opens a transaction. */
  check(content: WebhookContent): WebhookContent {
    return { messages: content.messages.map((m) => checkInboundMessage(m, this.limits)), statuses: content.statuses, watermarks: content.watermarks ?? [] };
  }

  async ingest(account: ChannelAccountWithSecrets, content: WebhookContent, now: Date): Promise<IngestedMessage[]> {
    const checked = this.check(content);
    if (checked.messages.length === 0 && checked.statuses.length === 0 && checked.watermarks?.length === 0) return [];
    const key = `${account.workspaceId}/${account.tenantId}`;
    return new Promise<IngestedMessage[]>((resolve, reject) => {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { items: [], workers: 0 };
        this.queues.set(key, queue);
      }
      queue.items.push({ account, content: checked, now, resolve, reject });
      if (queue.workers < this.maxConcurrentBatches) void this.drain(key, queue);
    });
  }

  /** Provider ids of these the account already stored: a redelivery need not fetch its media again. */
  known(account: ChannelAccountWithSecrets, providerMessageIds: readonly string[]): Promise<Set<string>> {
    if (providerMessageIds.length === 0) return Promise.resolve(new Set());
    return withTenantTransaction(this.dataSource, (manager) => this.log.knownProviderIds(manager, account.tenantId, account.accountId, providerMessageIds), {
      workspaceId: account.workspaceId,
      tenantId: account.tenantId,
    });
  }

  private async drain(key: string, queue: { items: PendingIngest[]; workers: number }): Promise<void> {
    queue.workers++;
    try {
      while (queue.items.length > 0) {
        const batch = queue.items.splice(0, this.maxBatch);
        batch.sort((a, b) => lockOrder(a).localeCompare(lockOrder(b)));
        await this.commit(batch);
      }
    } finally {
      queue.workers--;
      if (queue.workers === 0 && queue.items.length === 0) this.queues.delete(key);
    }
  }

  private async commit(batch: readonly PendingIngest[]): Promise<void> {
    const [first] = batch;
    const scope = { workspaceId: first.account.workspaceId, tenantId: first.account.tenantId };
    try {
      const results = await withScopedTransaction(this.dataSource, scope, (manager) => this.store(manager, batch));
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch (error) {
      if (batch.length > 1) {
        for (const item of batch) await this.commit([item]);
        return;
      }
      // A concurrent copy of the same provider message won; a retry sees it as a duplicate.
      if (error instanceof ConcurrentDuplicateError && (this.retries.get(first) ?? 0) < 2) {
        this.retries.set(first, (this.retries.get(first) ?? 0) + 1);
        await this.commit(batch);
        return;
      }
      first.reject(error);
    }
  }

  /** Every message of the batch in one statement, then all their attachments in one, statuses, and the outbox in one. */
  private async store(manager: EntityManager, batch: readonly PendingIngest[]): Promise<IngestedMessage[][]> {
    const tenantId = batch[0].account.tenantId;
    const planned = batch.flatMap((item) =>
      item.content.messages.map((message) => {
        const senderLabel = identityLabel(message.sender);
        const queue = chooseQueue(item.account.routing, { text: message.text, senderLabel });
        const row: InboundRow = {
          accountId: item.account.accountId,
          messageId: randomUUID(),
          providerMessageId: message.providerMessageId,
          conversationKey: message.conversationKey,
          customerIdentity: senderLabel,
          candidateInteractionId: randomUUID(),
          candidateQueueId: queue.queueId,
          text: message.text,
          receivedAt: item.now,
          sentAt: message.sentAt,
        };
        return { item, message, queue, row };
      }),
    );
    const stored = await this.log.storeInbound(manager, tenantId, planned.map((p) => p.row));
    const events: OutboxEvent[] = [];
    const attachmentRows: AttachmentRow[] = [];
    const results = new Map<PendingIngest, IngestedMessage[]>(batch.map((item) => [item, []]));
    for (const [i, { item, message, queue, row }] of planned.entries()) {
      const outcome = stored[i];
      if (outcome.kind === 'duplicate') {
        results.get(item)!.push({ providerMessageId: message.providerMessageId, duplicate: true });
        continue;
      }
      const { account, now } = item;
      const channel = eventChannelOf(account.kind);
      const attachments = message.attachments.map((a) => ({ ...a, attachmentId: randomUUID(), messageId: row.messageId }));
      attachmentRows.push(...attachments);
      const meta = { workspaceId: account.workspaceId, tenantId, time: now };
      if (outcome.newInteraction) {
        events.push({
          ...meta,
          definition: Events.InteractionRequested,
          payload: {
            interactionId: outcome.interactionId,
            tenantId,
            workspaceId: account.workspaceId,
            channel,
            direction: commonV1.Direction.DIRECTION_INBOUND,
            queueId: queue.queueId,
            priority: queue.priority,
            requiredSkills: {},
            customerIdentity: row.customerIdentity,
            preferredAgentId: '',
            requestedAt: toTimestamp(now),
          },
        });
      }
      events.push({
        ...meta,
        definition: Events.MessageReceived,
        payload: {
          messageId: row.messageId,
          tenantId,
          channelAccountId: account.accountId,
          channel,
          providerMessageId: message.providerMessageId,
          conversationKey: message.conversationKey,
          senderIdentity: row.customerIdentity,
          text: message.text,
          attachments: attachments.map((a) => ({ attachmentId: a.attachmentId, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes })),
          interactionId: outcome.interactionId,
          receivedAt: toTimestamp(now),
          ...(message.subject ? { subject: message.subject } : {}),
          ...(message.sender.displayName ? { senderName: message.sender.displayName } : {}),
        },
      });
      results.get(item)!.push({ providerMessageId: message.providerMessageId, duplicate: false, messageId: row.messageId, interactionId: outcome.interactionId, newInteraction: outcome.newInteraction });
    }
    await this.log.storeAttachmentRows(manager, tenantId, attachmentRows);
    for (const item of batch) if (item.content.statuses.length > 0 || (item.content.watermarks?.length ?? 0) > 0) await this.storeStatuses(manager, item, events);
    await this.outbox.append(manager, events);
    return batch.map((item) => results.get(item)!);
  }

  private async storeStatuses(manager: EntityManager, item: PendingIngest, events: OutboxEvent[]): Promise<void> {
    const { account, now } = item;
    const statuses = [...item.content.statuses];
    // A watermark names no message: it stands for each of ours it covers that lacks the status.
    for (const watermark of item.content.watermarks ?? []) {
      const covered = await this.log.outboundUpTo(manager, account.tenantId, account.accountId, watermark.conversationKey, watermark.upTo, watermark.status);
      for (const providerMessageId of covered) statuses.push({ providerMessageId, status: watermark.status, occurredAt: watermark.occurredAt });
    }
    for (const status of statuses) {
      const occurredAt = status.occurredAt ?? now;
      const recorded = await this.log.recordStatus(manager, account.tenantId, account.accountId, { ...status, occurredAt }, now);
      if (!recorded.fresh) continue;
      events.push({
        definition: Events.MessageStatusChanged,
        workspaceId: account.workspaceId,
        tenantId: account.tenantId,
        time: occurredAt,
        payload: {
          messageId: recorded.messageId ?? '',
          tenantId: account.tenantId,
          channelAccountId: account.accountId,
          channel: eventChannelOf(account.kind),
          providerMessageId: status.providerMessageId,
          interactionId: recorded.interactionId ?? '',
          status: status.status,
          errorCode: status.errorCode ?? '',
          occurredAt: toTimestamp(occurredAt),
        },
      });
    }
  }
}
