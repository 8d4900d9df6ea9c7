import type { EntityManager } from 'typeorm';
import type { WebChatMessage } from '../drivers/webchat/webchat-frames';

interface MessageRow {
  seq: string;
  message_id: string;
  direction: 'inbound' | 'outbound';
  text: string;
  created_at: Date;
  provider_message_id: string | null;
}

/** Strips the visitor prefix the backend puts on inbound provider ids (`<visitorId>:<clientMessageId>`). */
const clientIdOf = (row: MessageRow) => (row.direction === 'inbound' && row.provider_message_id ? row.provider_message_id.slice(row.provider_message_id.indexOf(':') + 1) : undefined);

export function webChatMessageOf(row: MessageRow): WebChatMessage {
  const clientMessageId = clientIdOf(row);
  return {
    seq: Number(row.seq),
    messageId: row.message_id,
    from: row.direction === 'inbound' ? 'customer' : 'agent',
    text: row.text,
    at: row.created_at.toISOString(),
    ...(clientMessageId ? { clientMessageId } : {}),
  };
}

const MESSAGE_COLUMNS = `m."seq", m."message_id", m."direction", m."text", m."created_at", m."provider_message_id"`;

/** Web-chat visitors and the order of their messages, within the transaction's tenant. */
export class WebChatRepository {
  async profile(manager: EntityManager, tenantId: string, accountId: string, visitorId: string): Promise<{ name: string; email: string } | null> {
    const rows: { name: string | null; email: string | null }[] = await manager.query(
      `SELECT "name", "email" FROM "webchat_visitors" WHERE "tenant_id" = $1 AND "account_id" = $2 AND "visitor_id" = $3`,
      [tenantId, accountId, visitorId],
    );
    const row = rows[0];
    return row?.name && row.email ? { name: row.name, email: row.email } : null;
  }

  async saveProfile(manager: EntityManager, tenantId: string, accountId: string, visitorId: string, profile: { name: string; email: string }, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO "webchat_visitors" ("tenant_id", "account_id", "visitor_id", "name", "email", "created_at", "updated_at") VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT ("tenant_id", "account_id", "visitor_id") DO UPDATE SET "name" = EXCLUDED."name", "email" = EXCLUDED."email", "updated_at" = EXCLUDED."updated_at"`,
      [tenantId, accountId, visitorId, profile.name, profile.email, now],
    );
  }

  /**
   * Gives a stored message the visitor's next sequence number, once: a message that already has
   * one keeps it (a resent customer message, a retried agent reply). The visitor row is the lock.
   */
  async sequence(manager: EntityManager, tenantId: string, accountId: string, visitorId: string, where: { providerMessageId: string } | { idempotencyKey: string }, now: Date): Promise<WebChatMessage | undefined> {
    const [column, value] = 'providerMessageId' in where ? ['provider_message_id', where.providerMessageId] : ['idempotency_key', where.idempotencyKey];
    const find = async () =>
      ((await manager.query(`SELECT ${MESSAGE_COLUMNS} FROM "messages" m WHERE m."tenant_id" = $1 AND m."account_id" = $2 AND m."${column}" = $3`, [tenantId, accountId, value])) as MessageRow[])[0];
    const found = await find();
    if (!found || found.seq !== null) return found && webChatMessageOf(found);
    const [{ last_seq }]: { last_seq: string }[] = await manager.query(
      `INSERT INTO "webchat_visitors" ("tenant_id", "account_id", "visitor_id", "last_seq", "created_at", "updated_at") VALUES ($1, $2, $3, 1, $4, $4)
       ON CONFLICT ("tenant_id", "account_id", "visitor_id") DO UPDATE SET "last_seq" = "webchat_visitors"."last_seq" + 1, "updated_at" = EXCLUDED."updated_at"
       RETURNING "last_seq"`,
      [tenantId, accountId, visitorId, now],
    );
    // Re-read under the visitor lock: a concurrent call may have numbered it meanwhile.
    const again = await find();
    if (again.seq !== null) return webChatMessageOf(again);
    await manager.query(`UPDATE "messages" SET "seq" = $3 WHERE "tenant_id" = $1 AND "message_id" = $2`, [tenantId, again.message_id, last_seq]);
    return webChatMessageOf({ ...again, seq: last_seq });
  }

  /** Numbered messages of the visitor's latest conversation after `afterSeq`, in order. */
  async messagesAfter(manager: EntityManager, tenantId: string, accountId: string, visitorId: string, afterSeq: number): Promise<WebChatMessage[]> {
    const rows: MessageRow[] = await manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM "messages" m
       WHERE m."tenant_id" = $1 AND m."seq" > $4 AND m."interaction_id" = (
         SELECT c."interaction_id" FROM "conversations" c WHERE c."tenant_id" = $1 AND c."account_id" = $2 AND c."conversation_key" = $3 ORDER BY c."opened_at" DESC LIMIT 1)
       ORDER BY m."seq"`,
      [tenantId, accountId, visitorId, afterSeq],
    );
    return rows.map(webChatMessageOf);
  }

  /** The numbered message as the widget shows it, with the visitor it goes to. */
  async outboundForDelivery(manager: EntityManager, tenantId: string, messageId: string): Promise<{ visitorId: string; message: WebChatMessage } | undefined> {
    const rows: (MessageRow & { conversation_key: string })[] = await manager.query(
      `SELECT ${MESSAGE_COLUMNS}, c."conversation_key" FROM "messages" m
       JOIN "conversations" c ON c."tenant_id" = m."tenant_id" AND c."interaction_id" = m."interaction_id"
       WHERE m."tenant_id" = $1 AND m."message_id" = $2 AND m."seq" IS NOT NULL`,
      [tenantId, messageId],
    );
    return rows[0] && { visitorId: rows[0].conversation_key, message: webChatMessageOf(rows[0]) };
  }

  /**
   * Web chats still waiting in a queue, with their place among the queue's waiting chat contacts
   * (web chat and API channel: routing positions a contact among its own channel's). Routing
   * orders by priority too; here it is arrival order, which is what routing does within a priority.
   */
  async waitingInQueue(manager: EntityManager, tenantId: string, queueId: string, leaving: string): Promise<{ interactionId: string; accountId: string; visitorId: string; position: number }[]> {
    const rows: { interaction_id: string; account_id: string; conversation_key: string; kind: string; position: string }[] = await manager.query(
      `SELECT c."interaction_id", c."account_id", c."conversation_key", a."kind", row_number() OVER (ORDER BY c."opened_at", c."interaction_id") AS "position"
       FROM "conversations" c JOIN "channel_accounts" a ON a."tenant_id" = c."tenant_id" AND a."account_id" = c."account_id"
       WHERE c."tenant_id" = $1 AND c."queue_id" = $2 AND c."status" = 'waiting' AND c."interaction_id" <> $3 AND a."kind" IN ('webchat', 'api')
       ORDER BY c."opened_at", c."interaction_id"`,
      [tenantId, queueId, leaving],
    );
    return rows.filter((row) => row.kind === 'webchat').map((row) => ({ interactionId: row.interaction_id, accountId: row.account_id, visitorId: row.conversation_key, position: Number(row.position) }));
  }

  /** The visitor's conversation that is not closed yet, with its agent once routing assigned one. */
  async openConversation(manager: EntityManager, tenantId: string, accountId: string, visitorId: string): Promise<{ interactionId: string; agentId?: string } | undefined> {
    const rows: { interaction_id: string; agent_id: string | null }[] = await manager.query(
      `SELECT "interaction_id", "agent_id" FROM "conversations" WHERE "tenant_id" = $1 AND "account_id" = $2 AND "conversation_key" = $3 AND "status" <> 'closed'`,
      [tenantId, accountId, visitorId],
    );
    return rows[0] && { interactionId: rows[0].interaction_id, agentId: rows[0].agent_id ?? undefined };
  }

  /** Provider ids of the agent messages up to `upToSeq` the visitor has not read yet. */
  async unreadUpTo(manager: EntityManager, tenantId: string, accountId: string, visitorId: string, upToSeq: number): Promise<string[]> {
    const rows: { provider_message_id: string }[] = await manager.query(
      `SELECT m."provider_message_id" FROM "messages" m JOIN "conversations" c ON c."tenant_id" = m."tenant_id" AND c."interaction_id" = m."interaction_id"
       WHERE m."tenant_id" = $1 AND m."account_id" = $2 AND m."direction" = 'outbound' AND m."seq" <= $4 AND m."status" IN ('sent', 'delivered')
         AND m."provider_message_id" IS NOT NULL AND c."conversation_key" = $3
       ORDER BY m."seq"`,
      [tenantId, accountId, visitorId, upToSeq],
    );
    return rows.map((row) => row.provider_message_id);
  }
}
