import type { EntityManager } from 'typeorm';
import type { DeliveryState } from '../drivers/channel-driver.port';
import type { MessageAttachment } from '../domain/normalized-message';

/** What storing one inbound message did. */
export type InboundStoreResult =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'stored'; readonly interactionId: string; readonly newInteraction: boolean; readonly queueId: string };

export interface InboundRow {
  readonly accountId: string;
  readonly messageId: string;
  readonly providerMessageId: string;
  readonly conversationKey: string;
  readonly customerIdentity: string;
  /** Used only when the message starts an interaction. */
  readonly candidateInteractionId: string;
  readonly candidateQueueId: string;
  readonly text: string;
  readonly receivedAt: Date;
  readonly sentAt?: Date;
}

export interface ConversationRecord {
  readonly interactionId: string;
  readonly accountId: string;
  readonly conversationKey: string;
  readonly customerIdentity: string;
  readonly queueId: string;
  readonly status: 'waiting' | 'assigned' | 'closed';
  readonly agentId?: string;
}

export interface OutboundRecord {
  readonly messageId: string;
  readonly interactionId: string;
  readonly providerMessageId?: string;
  readonly status: 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
  readonly text: string;
}

/** One stored attachment of a message. */
export type AttachmentRow = MessageAttachment & { readonly attachmentId: string; readonly messageId: string };

/** A provider's id arrived before our own record of it: the race is the provider's, not a bug. */
export class ConcurrentDuplicateError extends Error {
  constructor() {
    super('the same provider message was stored concurrently');
    this.name = 'ConcurrentDuplicateError';
  }
}

// One round trip for a whole batch: skip provider ids already logged, join each conversation
// key's open interaction or open one (the partial unique index makes concurrent first messages
// agree; one proposal per key, in key order), then log the messages.
const storeInbound = `
  WITH input AS (
    SELECT * FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[], $12::int[])
      AS u(account_id, provider_message_id, message_id, candidate_id, conversation_key, customer_identity, queue_id, text, received_at, sent_at, ord)
  ), fresh AS (
    -- One unique-index probe per input row: as NOT EXISTS the planner hashed every message of the
    -- tenant (a batch cost growing with the tenant's history).
    SELECT i.* FROM input i
    LEFT JOIN LATERAL (
      SELECT 1 AS "hit" FROM "messages" m WHERE m."tenant_id" = $1 AND m."account_id" = i.account_id AND m."provider_message_id" = i.provider_message_id LIMIT 1
    ) seen ON true
    WHERE seen."hit" IS NULL
  ), firsts AS (
    SELECT DISTINCT ON (account_id, conversation_key) * FROM fresh ORDER BY account_id, conversation_key, ord
  ), conv AS (
    INSERT INTO "conversations" ("tenant_id", "interaction_id", "account_id", "conversation_key", "customer_identity", "queue_id", "status", "opened_at", "last_message_at")
    SELECT $1, candidate_id, account_id, conversation_key, customer_identity, queue_id, 'waiting', received_at, received_at FROM firsts ORDER BY account_id, conversation_key
    ON CONFLICT ("tenant_id", "account_id", "conversation_key") WHERE "status" <> 'closed'
    DO UPDATE SET "last_message_at" = GREATEST("conversations"."last_message_at", EXCLUDED."last_message_at")
    RETURNING "interaction_id", "account_id", "conversation_key", "queue_id", (xmax = 0) AS "created"
  ), msg AS (
    INSERT INTO "messages" ("tenant_id", "message_id", "account_id", "interaction_id", "direction", "provider_message_id", "sender_identity", "text", "status", "created_at", "sent_at")
    SELECT $1, f.message_id, f.account_id, c."interaction_id", 'inbound', f.provider_message_id, f.customer_identity, f.text, 'received', f.received_at, f.sent_at
    FROM fresh f JOIN conv c ON c."account_id" = f.account_id AND c."conversation_key" = f.conversation_key
    ON CONFLICT ("tenant_id", "account_id", "provider_message_id") DO NOTHING
    RETURNING "message_id"
  )
  SELECT f.ord, c."interaction_id", c."queue_id", c."created", (m."message_id" IS NOT NULL) AS "stored"
  FROM fresh f
  JOIN conv c ON c."account_id" = f.account_id AND c."conversation_key" = f.conversation_key
  LEFT JOIN msg m ON m."message_id" = f.message_id`;

const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/** The message log, conversations and delivery statuses of the transaction's tenant. */
export class MessageLogRepository {
  /**
   * Stores inbound messages of one tenant, in order; a provider id already logged (or repeated
   * in the batch) is a duplicate. `newInteraction` is true for the first message of an
   * interaction this call opened.
   */
  async storeInbound(manager: EntityManager, tenantId: string, rows: readonly InboundRow[]): Promise<InboundStoreResult[]> {
    const seen = new Set<string>();
    const unique = rows.filter((row) => {
      const key = `${row.accountId}\u0000${row.providerMessageId}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const column = <T>(pick: (row: InboundRow) => T) => unique.map(pick);
    const stored: { ord: number; interaction_id: string; queue_id: string; created: boolean; stored: boolean }[] = await manager.query(storeInbound, [
      tenantId,
      column((r) => r.accountId),
      column((r) => r.providerMessageId),
      column((r) => r.messageId),
      column((r) => r.candidateInteractionId),
      column((r) => r.conversationKey),
      column((r) => r.customerIdentity),
      column((r) => r.candidateQueueId),
      column((r) => r.text),
      column((r) => r.receivedAt),
      column((r) => r.sentAt ?? null),
      unique.map((_, i) => i),
    ]);
    if (stored.some((row) => !row.stored)) throw new ConcurrentDuplicateError();
    const byMessage = new Map(stored.map((row) => [unique[row.ord].messageId, row]));
    const opened = new Set<string>();
    return rows.map((row) => {
      const result = byMessage.get(row.messageId);
      if (!result) return { kind: 'duplicate' };
      const newInteraction = result.created && !opened.has(result.interaction_id);
      if (result.created) opened.add(result.interaction_id);
      return { kind: 'stored', interactionId: result.interaction_id, newInteraction, queueId: result.queue_id };
    });
  }

  async storeAttachments(manager: EntityManager, tenantId: string, messageId: string, attachments: readonly (MessageAttachment & { attachmentId: string })[]): Promise<void> {
    await this.storeAttachmentRows(manager, tenantId, attachments.map((a) => ({ ...a, messageId })));
  }

  /** Attachments of any number of messages in one statement. */
  async storeAttachmentRows(manager: EntityManager, tenantId: string, attachments: readonly AttachmentRow[]): Promise<void> {
    if (attachments.length === 0) return;
    await manager.query(
      `INSERT INTO "message_attachments" ("tenant_id", "attachment_id", "message_id", "file_name", "content_type", "size_bytes", "content", "url")
       SELECT $1, u.id, u.message_id, u.file_name, u.content_type, u.size_bytes, u.content, u.url
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::bytea[], $8::text[]) AS u(id, message_id, file_name, content_type, size_bytes, content, url)`,
      [
        tenantId,
        attachments.map((a) => a.attachmentId),
        attachments.map((a) => a.messageId),
        attachments.map((a) => a.fileName),
        attachments.map((a) => a.contentType),
        attachments.map((a) => a.sizeBytes),
        attachments.map((a) => (a.content ? Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) : null)),
        attachments.map((a) => a.url ?? null),
      ],
    );
  }

  /** Which of these provider message ids the account already stored (a redelivery). */
  async knownProviderIds(manager: EntityManager, tenantId: string, accountId: string, providerMessageIds: readonly string[]): Promise<Set<string>> {
    const rows: { provider_message_id: string }[] = await manager.query(
      `SELECT "provider_message_id" FROM "messages" WHERE "tenant_id" = $1 AND "account_id" = $2 AND "provider_message_id" = ANY($3::text[])`,
      [tenantId, accountId, providerMessageIds],
    );
    return new Set(rows.map((r) => r.provider_message_id));
  }

  /** Records a provider status once; returns the outbound message it concerns when it is news. */
  async recordStatus(
    manager: EntityManager,
    tenantId: string,
    accountId: string,
    update: { providerMessageId: string; status: DeliveryState; errorCode?: string; occurredAt: Date },
    now: Date,
  ): Promise<{ fresh: boolean; messageId?: string; interactionId?: string }> {
    const messages: { message_id: string; interaction_id: string; status: string }[] = await manager.query(
      `SELECT "message_id", "interaction_id", "status" FROM "messages" WHERE "tenant_id" = $1 AND "account_id" = $2 AND "provider_message_id" = $3`,
      [tenantId, accountId, update.providerMessageId],
    );
    const message = messages[0];
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "delivery_statuses" ("tenant_id", "account_id", "provider_message_id", "status", "message_id", "error_code", "occurred_at", "recorded_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1`,
      [tenantId, accountId, update.providerMessageId, update.status, message?.message_id ?? null, update.errorCode ?? null, update.occurredAt, now],
    );
    // Statuses arrive out of order; the message keeps the furthest one.
    if (message && inserted.length > 0 && STATUS_RANK[update.status] > STATUS_RANK[message.status]) {
      await manager.query(`UPDATE "messages" SET "status" = $4, "error_code" = COALESCE($5, "error_code") WHERE "tenant_id" = $1 AND "account_id" = $2 AND "message_id" = $3`, [
        tenantId,
        accountId,
        message.message_id,
        update.status,
        update.errorCode ?? null,
      ]);
    }
    return { fresh: inserted.length > 0, messageId: message?.message_id, interactionId: message?.interaction_id };
  }

  /** Provider ids of what we sent on a conversation key up to `upTo` that has not reached `status` yet. */
  async outboundUpTo(manager: EntityManager, tenantId: string, accountId: string, conversationKey: string, upTo: Date, status: 'delivered' | 'read'): Promise<string[]> {
    const below = Object.keys(STATUS_RANK).filter((s) => s !== 'pending' && STATUS_RANK[s] < STATUS_RANK[status]);
    const rows: { provider_message_id: string }[] = await manager.query(
      `SELECT m."provider_message_id" FROM "messages" m JOIN "conversations" c ON c."tenant_id" = m."tenant_id" AND c."interaction_id" = m."interaction_id"
       WHERE m."tenant_id" = $1 AND m."account_id" = $2 AND c."conversation_key" = $3 AND m."direction" = 'outbound' AND m."provider_message_id" IS NOT NULL
         AND COALESCE(m."sent_at", m."created_at") <= $4 AND m."status" = ANY($5::text[])
       ORDER BY COALESCE(m."sent_at", m."created_at")`,
      [tenantId, accountId, conversationKey, upTo, below],
    );
    return rows.map((row) => row.provider_message_id);
  }

  async conversation(manager: EntityManager, tenantId: string, interactionId: string): Promise<ConversationRecord | undefined> {
    const rows: { interaction_id: string; account_id: string; conversation_key: string; customer_identity: string; queue_id: string; status: ConversationRecord['status']; agent_id: string | null }[] =
      await manager.query(
        `SELECT "interaction_id", "account_id", "conversation_key", "customer_identity", "queue_id", "status", "agent_id" FROM "conversations" WHERE "tenant_id" = $1 AND "interaction_id" = $2`,
        [tenantId, interactionId],
      );
    const row = rows[0];
    return row && { interactionId: row.interaction_id, accountId: row.account_id, conversationKey: row.conversation_key, customerIdentity: row.customer_identity, queueId: row.queue_id, status: row.status, agentId: row.agent_id ?? undefined };
  }

  /** Claims an idempotency key for an outbound message; an existing claim is returned instead. */
  async claimOutbound(
    manager: EntityManager,
    row: { tenantId: string; accountId: string; messageId: string; interactionId: string; idempotencyKey: string; agentId: string; text: string; createdAt: Date },
  ): Promise<OutboundRecord & { claimed: boolean }> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "messages" ("tenant_id", "message_id", "account_id", "interaction_id", "direction", "idempotency_key", "agent_id", "text", "status", "created_at")
       VALUES ($1, $2, $3, $4, 'outbound', $5, $6, $7, 'pending', $8)
       ON CONFLICT ("tenant_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL DO NOTHING RETURNING 1`,
      [row.tenantId, row.messageId, row.accountId, row.interactionId, row.idempotencyKey, row.agentId, row.text, row.createdAt],
    );
    if (inserted.length > 0) return { messageId: row.messageId, interactionId: row.interactionId, status: 'pending', text: row.text, claimed: true };
    const existing: { message_id: string; interaction_id: string; provider_message_id: string | null; status: OutboundRecord['status']; text: string }[] = await manager.query(
      `SELECT "message_id", "interaction_id", "provider_message_id", "status", "text" FROM "messages" WHERE "tenant_id" = $1 AND "idempotency_key" = $2`,
      [row.tenantId, row.idempotencyKey],
    );
    const e = existing[0];
    return { messageId: e.message_id, interactionId: e.interaction_id, providerMessageId: e.provider_message_id ?? undefined, status: e.status, text: e.text, claimed: false };
  }

  async markSent(manager: EntityManager, tenantId: string, messageId: string, providerMessageId: string, sentAt: Date): Promise<void> {
    await manager.query(
      `UPDATE "messages" SET "status" = 'sent', "provider_message_id" = $3, "sent_at" = $4, "error_code" = NULL WHERE "tenant_id" = $1 AND "message_id" = $2 AND "status" IN ('pending', 'failed')`,
      [tenantId, messageId, providerMessageId, sentAt],
    );
  }

  async markFailed(manager: EntityManager, tenantId: string, messageId: string, errorCode: string): Promise<void> {
    await manager.query(`UPDATE "messages" SET "status" = 'failed', "error_code" = $3 WHERE "tenant_id" = $1 AND "message_id" = $2 AND "status" = 'pending'`, [tenantId, messageId, errorCode]);
  }

  /** Routing's view reaches the conversation: who handles it, and when it is over. */
  async assign(manager: EntityManager, tenantId: string, interactionId: string, agentId: string): Promise<void> {
    await manager.query(`UPDATE "conversations" SET "status" = 'assigned', "agent_id" = $3 WHERE "tenant_id" = $1 AND "interaction_id" = $2 AND "status" <> 'closed'`, [tenantId, interactionId, agentId]);
  }

  async close(manager: EntityManager, tenantId: string, interactionId: string, at: Date): Promise<void> {
    await manager.query(`UPDATE "conversations" SET "status" = 'closed', "closed_at" = $3 WHERE "tenant_id" = $1 AND "interaction_id" = $2 AND "status" <> 'closed'`, [tenantId, interactionId, at]);
  }
}
