import type { EntityManager } from 'typeorm';
import type { HistoryChannel, HistoryDirection, InteractionRecord } from '../domain/interaction-record';
import { ALIASES, escapeLike } from './customer.repository';
import type { InteractionView, MessageView } from './history-views';

export interface NewMessage {
  readonly messageId: string;
  readonly interactionId: string | null;
  readonly customerId: string | null;
  readonly channel: HistoryChannel;
  readonly direction: HistoryDirection;
  readonly agentId: string | null;
  readonly text: string;
  readonly attachmentNames: readonly string[];
  readonly sentAt: Date;
}

interface InteractionRow {
  interaction_id: string;
  customer_id: string | null;
  record: InteractionRecord;
  message_count: number;
}

interface MessageRow {
  message_id: string;
  interaction_id: string | null;
  customer_id: string | null;
  channel: HistoryChannel;
  direction: HistoryDirection;
  agent_id: string | null;
  body: string;
  attachments: string[];
  sent_at: Date;
}

// Interactions and messages are visible only while their customer is not erased; the live
// customer id follows merges.
const INTERACTION_SELECT = `
  SELECT i."interaction_id", COALESCE(c."merged_into", c."customer_id") AS customer_id, i."record",
         (SELECT count(*)::int FROM "messages" m WHERE m."tenant_id" = i."tenant_id" AND m."interaction_id" = i."interaction_id") AS message_count
    FROM "interactions" i
    LEFT JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"`;
const MESSAGE_SELECT = `
  SELECT m."message_id", m."interaction_id", COALESCE(c."merged_into", c."customer_id") AS customer_id, m."channel", m."direction",
         m."agent_id", m."body", m."attachments", m."sent_at"
    FROM "messages" m
    LEFT JOIN "interactions" i ON i."tenant_id" = m."tenant_id" AND i."interaction_id" = m."interaction_id"
    LEFT JOIN "customers" c ON c."tenant_id" = m."tenant_id" AND c."customer_id" = COALESCE(i."customer_id", m."customer_id")`;

const interactionView = (row: InteractionRow): InteractionView => ({
  interactionId: row.interaction_id,
  customerId: row.customer_id,
  record: row.record,
  messageCount: row.message_count,
});

const messageView = (row: MessageRow): MessageView => ({
  messageId: row.message_id,
  interactionId: row.interaction_id,
  customerId: row.customer_id,
  channel: row.channel,
  direction: row.direction,
  agentId: row.agent_id,
  text: row.body,
  attachmentNames: row.attachments,
  sentAt: row.sent_at,
});

export interface MessagePosition {
  readonly at: number;
  readonly id: string;
}

/** Interactions (folded records) and their messages; every query names the tenant. */
export class InteractionRepository {
  /** Stored records of these interactions; lock them first (lockSubjects). */
  async loadRecords(manager: EntityManager, tenantId: string, ids: readonly string[]): Promise<Map<string, InteractionRecord>> {
    if (ids.length === 0) return new Map();
    const rows: { interaction_id: string; record: InteractionRecord }[] = await manager.query(
      `SELECT "interaction_id", "record" FROM "interactions" WHERE "tenant_id" = $1 AND "interaction_id" = ANY($2::text[])`,
      [tenantId, ids],
    );
    return new Map(rows.map((row) => [row.interaction_id, row.record]));
  }

  async saveRecords(manager: EntityManager, tenantId: string, records: readonly InteractionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await manager.query(
      `INSERT INTO "interactions" ("tenant_id", "interaction_id", "customer_id", "channel", "started_at", "record")
       SELECT $1, u.id, u.customer_id, u.channel, to_timestamp(u.started_ms / 1000.0), u.record
         FROM unnest($2::text[], $3::uuid[], $4::text[], $5::bigint[], $6::jsonb[]) AS u(id, customer_id, channel, started_ms, record)
       ON CONFLICT ("tenant_id", "interaction_id") DO UPDATE
         SET "customer_id" = excluded."customer_id", "channel" = excluded."channel", "started_at" = excluded."started_at",
             "record" = excluded."record", "updated_at" = now()`,
      [
        tenantId,
        records.map((r) => r.interactionId),
        records.map((r) => r.customer?.value ?? null),
        records.map((r) => r.channel?.value ?? null),
        records.map((r) => r.firstAt ?? 0),
        records.map((r) => JSON.stringify(r)),
      ],
    );
  }

  /**
   * Stores new messages once each. A message of an interaction whose customer was erased is
   * dropped: a late event must not bring erased data back.
   */
  async insertMessages(manager: EntityManager, tenantId: string, messages: readonly NewMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(
      `INSERT INTO "messages" ("tenant_id", "message_id", "interaction_id", "customer_id", "channel", "direction", "agent_id", "body", "attachments", "sent_at")
       SELECT $1, u.id, u.interaction_id, u.customer_id, u.channel, u.direction, u.agent_id, u.body, u.attachments, u.sent_at
         FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::timestamptz[])
           AS u(id, interaction_id, customer_id, channel, direction, agent_id, body, attachments, sent_at)
        WHERE NOT EXISTS (
          SELECT 1 FROM "interactions" i JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"
           WHERE i."tenant_id" = $1 AND i."interaction_id" = u.interaction_id AND c."erased_at" IS NOT NULL)
       ON CONFLICT ("tenant_id", "message_id") DO NOTHING`,
      [
        tenantId,
        messages.map((m) => m.messageId),
        messages.map((m) => m.interactionId),
        messages.map((m) => m.customerId),
        messages.map((m) => m.channel),
        messages.map((m) => m.direction),
        messages.map((m) => m.agentId),
        messages.map((m) => m.text),
        messages.map((m) => JSON.stringify(m.attachmentNames)),
        messages.map((m) => m.sentAt.toISOString()),
      ],
    );
  }

  async view(manager: EntityManager, tenantId: string, interactionId: string): Promise<InteractionView | undefined> {
    const [row]: InteractionRow[] = await manager.query(
      `${INTERACTION_SELECT} WHERE i."tenant_id" = $1 AND i."interaction_id" = $2 AND c."erased_at" IS NULL`,
      [tenantId, interactionId],
    );
    return row && interactionView(row);
  }

  async viewsOf(manager: EntityManager, tenantId: string, ids: readonly string[]): Promise<Map<string, InteractionView>> {
    if (ids.length === 0) return new Map();
    const rows: InteractionRow[] = await manager.query(`${INTERACTION_SELECT} WHERE i."tenant_id" = $1 AND i."interaction_id" = ANY($2::text[])`, [tenantId, ids]);
    return new Map(rows.map((row) => [row.interaction_id, interactionView(row)]));
  }

  async recent(manager: EntityManager, tenantId: string, liveCustomerId: string, limit: number): Promise<InteractionView[]> {
    const rows: InteractionRow[] = await manager.query(
      `${INTERACTION_SELECT} WHERE i."tenant_id" = $1 AND i."customer_id" IN (${ALIASES}) ORDER BY i."started_at" DESC, i."interaction_id" DESC LIMIT $3`,
      [tenantId, liveCustomerId, limit],
    );
    return rows.map(interactionView);
  }

  async messagesOf(manager: EntityManager, tenantId: string, interactionId: string): Promise<MessageView[]> {
    const rows: MessageRow[] = await manager.query(`${MESSAGE_SELECT} WHERE m."tenant_id" = $1 AND m."interaction_id" = $2 ORDER BY m."sent_at", m."message_id"`, [tenantId, interactionId]);
    return rows.map(messageView);
  }

  /**
   * Messages whose text holds every word of the query ('simple' text search, any language) or
   * the query as a fragment (trigram index; Thai has no spaces between words), newest first.
   */
  async search(
    manager: EntityManager,
    tenantId: string,
    query: { text: string; liveCustomerId?: string; after?: MessagePosition; limit: number },
  ): Promise<MessageView[]> {
    const rows: MessageRow[] = await manager.query(
      `${MESSAGE_SELECT}
        WHERE m."tenant_id" = $1
          AND (m."search" @@ plainto_tsquery('simple', $2) OR m."body" ILIKE '%' || $3 || '%' ESCAPE '\\')
          AND c."erased_at" IS NULL
          AND ($4::uuid IS NULL OR COALESCE(i."customer_id", m."customer_id") IN (SELECT "customer_id" FROM "customers" WHERE "tenant_id" = $1 AND ("customer_id" = $4 OR "merged_into" = $4)))
          AND ($5::timestamptz IS NULL OR (m."sent_at", m."message_id") < ($5::timestamptz, $6::text))
        ORDER BY m."sent_at" DESC, m."message_id" DESC LIMIT $7`,
      [tenantId, query.text, escapeLike(query.text), query.liveCustomerId ?? null, query.after ? new Date(query.after.at).toISOString() : null, query.after?.id ?? null, query.limit],
    );
    return rows.map(messageView);
  }
}
