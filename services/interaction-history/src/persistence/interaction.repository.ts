import type { EntityManager } from 'typeorm';
import { belongToSameCase, type CaseCandidate, chooseCase } from '../domain/case-matching.policy';
import { type HistoryChannel, type HistoryDirection, type InteractionRecord, storedInteractionRecord } from '../domain/interaction-record';
import { ALIASES, escapeLike } from './customer.repository';
import type { AttachmentReference, InteractionView, MessageView } from './history-views';

export interface NewMessage {
  readonly messageId: string;
  readonly interactionId: string | null;
  readonly customerId: string | null;
  readonly channel: HistoryChannel;
  readonly direction: HistoryDirection;
  readonly agentId: string | null;
  readonly text: string;
  readonly attachments: readonly AttachmentReference[];
  readonly sentAt: Date;
}

export interface InteractionRow {
  interaction_id: string;
  customer_id: string | null;
  record: InteractionRecord;
  message_count: number;
  case_id: string | null;
}

interface MessageRow {
  message_id: string;
  interaction_id: string | null;
  customer_id: string | null;
  channel: HistoryChannel;
  direction: HistoryDirection;
  agent_id: string | null;
  body: string;
  /** References; rows stored before references were kept hold bare file names. */
  attachments: (AttachmentReference | string)[];
  sent_at: Date;
}

// Interactions and messages are visible only while their customer is not erased; the live
// customer id follows merges.
const INTERACTION_SELECT = `
  SELECT i."interaction_id", COALESCE(c."merged_into", c."customer_id") AS customer_id, i."record", i."case_id",
         (SELECT count(*)::int FROM "messages" m WHERE m."tenant_id" = i."tenant_id" AND m."interaction_id" = i."interaction_id") AS message_count
    FROM "interactions" i
    LEFT JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"`;
const MESSAGE_SELECT = `
  SELECT m."message_id", m."interaction_id", COALESCE(c."merged_into", c."customer_id") AS customer_id, m."channel", m."direction",
         m."agent_id", m."body", m."attachments", m."sent_at"
    FROM "messages" m
    LEFT JOIN "interactions" i ON i."tenant_id" = m."tenant_id" AND i."interaction_id" = m."interaction_id"
    LEFT JOIN "customers" c ON c."tenant_id" = m."tenant_id" AND c."customer_id" = COALESCE(i."customer_id", m."customer_id")`;

export const interactionView = (row: InteractionRow): InteractionView => ({
  interactionId: row.interaction_id,
  customerId: row.customer_id,
  record: storedInteractionRecord(row.record),
  messageCount: row.message_count,
  caseId: row.case_id,
});

const messageView = (row: MessageRow): MessageView => ({
  messageId: row.message_id,
  interactionId: row.interaction_id,
  customerId: row.customer_id,
  channel: row.channel,
  direction: row.direction,
  agentId: row.agent_id,
  text: row.body,
  attachments: row.attachments.map((a) => (typeof a === 'string' ? { attachmentId: '', fileName: a, contentType: '', sizeBytes: 0 } : a)),
  sentAt: row.sent_at,
});

interface CandidateRow {
  queue_id: string | null;
  subject: string | null;
  reference_token: string | null;
  started_ms: string;
}

// What the case rule compares, read from the stored record.
const CANDIDATE_COLUMNS = `o."record"->'queue'->>'value' AS queue_id, o."record"->'subject'->>'value' AS subject,
  o."record"->'referenceToken'->>'value' AS reference_token, (extract(epoch FROM o."started_at") * 1000)::bigint AS started_ms`;

const candidateOf = (row: CandidateRow, customerId: string): CaseCandidate => ({
  customerId,
  startedAt: Number(row.started_ms),
  queueId: row.queue_id ?? undefined,
  subject: row.subject ?? undefined,
  referenceToken: row.reference_token ?? undefined,
});

export interface MessagePosition {
  readonly at: number;
  readonly id: string;
}

/** Interactions (folded records) and their messages; every query names the tenant. */
export class InteractionRepository {
  /** Stored records of these interactions and their cases; lock them first (lockSubjects). */
  async loadRecords(
    manager: EntityManager,
    tenantId: string,
    ids: readonly string[],
  ): Promise<Map<string, { record: InteractionRecord; caseId: string | null; caseByAgent: boolean }>> {
    if (ids.length === 0) return new Map();
    const rows: { interaction_id: string; record: InteractionRecord; case_id: string | null; case_by_agent: boolean }[] = await manager.query(
      `SELECT "interaction_id", "record", "case_id", "case_by_agent" FROM "interactions" WHERE "tenant_id" = $1 AND "interaction_id" = ANY($2::text[])`,
      [tenantId, ids],
    );
    return new Map(rows.map((row) => [row.interaction_id, { record: storedInteractionRecord(row.record), caseId: row.case_id, caseByAgent: row.case_by_agent }]));
  }

  /**
   * For each unfiled interaction, the case it joins by the automatic rule (chooseCase): among
   * interactions of the same customer filed under an open or pending case that started within
   * `windowMs` of it. Driven from the customers' open cases, so a customer without one costs one
   * index probe.
   */
  async casesNearby(manager: EntityManager, tenantId: string, unfiled: readonly (CaseCandidate & { interactionId: string })[], windowMs: number): Promise<Map<string, string>> {
    if (unfiled.length === 0) return new Map();
    const rows: (CandidateRow & { id: string; case_id: string })[] = await manager.query(
      `SELECT u.id, o."case_id", ${CANDIDATE_COLUMNS}
         FROM unnest($2::text[], $3::uuid[], $4::bigint[]) AS u(id, customer_id, started_ms)
         JOIN "cases" k ON k."tenant_id" = $1 AND k."customer_id" = u.customer_id AND k."status" IN ('open', 'pending')
         JOIN "interactions" o ON o."tenant_id" = $1 AND o."customer_id" = u.customer_id AND o."case_id" = k."case_id" AND o."interaction_id" <> u.id
          AND o."started_at" BETWEEN to_timestamp((u.started_ms - $5) / 1000.0) AND to_timestamp((u.started_ms + $5) / 1000.0)`,
      [tenantId, unfiled.map((u) => u.interactionId), unfiled.map((u) => u.customerId), unfiled.map((u) => u.startedAt), windowMs],
    );
    const filed = new Map<string, string>();
    for (const candidate of unfiled) {
      const neighbours = rows.filter((row) => row.id === candidate.interactionId).map((row) => ({ ...candidateOf(row, candidate.customerId), caseId: row.case_id }));
      const caseId = chooseCase(candidate, neighbours, windowMs);
      if (caseId) filed.set(candidate.interactionId, caseId);
    }
    return filed;
  }

  /**
   * Files under the seed's case every unfiled interaction of its customer (and those merged into
   * it) that the automatic rule puts with the seed (belongToSameCase), except those an agent
   * unfiled; which ones. The seed is locked; candidates are filed only while still unfiled.
   */
  async fileNearby(manager: EntityManager, tenantId: string, seed: { interactionId: string; liveCustomerId: string; caseId: string }, windowMs: number): Promise<string[]> {
    const rows: (CandidateRow & { id: string; is_seed: boolean })[] = await manager.query(
      `WITH s AS (SELECT "started_at" FROM "interactions" WHERE "tenant_id" = $1 AND "interaction_id" = $3)
       SELECT o."interaction_id" AS id, o."interaction_id" = $3 AS is_seed, ${CANDIDATE_COLUMNS}
         FROM "interactions" o, s
        WHERE o."tenant_id" = $1 AND o."customer_id" IN (${ALIASES})
          AND (o."interaction_id" = $3 OR (o."case_id" IS NULL AND NOT o."case_by_agent"))
          AND o."started_at" BETWEEN s."started_at" - $4 * interval '1 millisecond' AND s."started_at" + $4 * interval '1 millisecond'`,
      [tenantId, seed.liveCustomerId, seed.interactionId, windowMs],
    );
    const seedRow = rows.find((row) => row.is_seed);
    if (!seedRow) return [];
    const seedCandidate = candidateOf(seedRow, seed.liveCustomerId);
    const joining = rows.filter((row) => !row.is_seed && belongToSameCase(seedCandidate, candidateOf(row, seed.liveCustomerId), windowMs)).map((row) => row.id);
    if (joining.length === 0) return [];
    // TypeORM answers an UPDATE with [rows, affected count].
    const [updated]: [{ interaction_id: string }[], number] = await manager.query(
      `UPDATE "interactions" SET "case_id" = $3, "updated_at" = now()
        WHERE "tenant_id" = $1 AND "interaction_id" = ANY($2::text[]) AND "case_id" IS NULL AND NOT "case_by_agent"
        RETURNING "interaction_id"`,
      [tenantId, joining, seed.caseId],
    );
    return updated.map((row) => row.interaction_id);
  }

  /** Files interactions under cases, or takes them out with null; `byAgent` pins the choice against the automatic rule. */
  async setCases(manager: EntityManager, tenantId: string, cases: ReadonlyMap<string, string | null>, byAgent: boolean): Promise<void> {
    if (cases.size === 0) return;
    await manager.query(
      `UPDATE "interactions" i SET "case_id" = u.case_id, "case_by_agent" = $4, "updated_at" = now()
         FROM unnest($2::text[], $3::uuid[]) AS u(id, case_id)
        WHERE i."tenant_id" = $1 AND i."interaction_id" = u.id`,
      [tenantId, [...cases.keys()], [...cases.values()], byAgent],
    );
  }

  /** Which of these customers are erased: their interactions must not take personal data again. */
  async erasedAmong(manager: EntityManager, tenantId: string, customerIds: readonly string[]): Promise<Set<string>> {
    if (customerIds.length === 0) return new Set();
    const rows: { customer_id: string }[] = await manager.query(
      `SELECT "customer_id" FROM "customers" WHERE "tenant_id" = $1 AND "customer_id" = ANY($2::uuid[]) AND "erased_at" IS NOT NULL`,
      [tenantId, customerIds],
    );
    return new Set(rows.map((row) => row.customer_id));
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
        messages.map((m) => JSON.stringify(m.attachments)),
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
