import type { EntityManager } from 'typeorm';
import type { ImapCursor } from '../drivers/email/imap-mailbox.poller';
import type { KnownEmailConversation } from '../drivers/email/email-threading.policy';

export interface EmailMessageRecord {
  readonly accountId: string;
  readonly messageId: string;
  readonly conversationKey: string;
  readonly referenceToken: string;
  readonly direction: 'inbound' | 'outbound';
  readonly subject: string;
  readonly references: readonly string[];
  readonly fromAddress: string;
  readonly toAddress: string;
  readonly createdAt: Date;
}

/** E-mail threads (every mail's Message-ID per conversation) and IMAP cursors of the transaction's tenant. */
export class EmailThreadRepository {
  /** Conversations of the account holding any of these Message-IDs or subject tokens, as the threading policy needs them. */
  async known(manager: EntityManager, tenantId: string, accountId: string, messageIds: readonly string[], tokens: readonly string[]): Promise<KnownEmailConversation[]> {
    if (messageIds.length === 0 && tokens.length === 0) return [];
    const rows: { conversation_key: string; reference_token: string; message_ids: string[]; customer: string | null }[] = await manager.query(
      `SELECT e."conversation_key", min(e."reference_token") AS "reference_token", array_agg(e."message_id") AS "message_ids",
              (array_agg(e."from_address" ORDER BY e."created_at") FILTER (WHERE e."direction" = 'inbound'))[1] AS "customer"
       FROM "email_messages" e
       WHERE e."tenant_id" = $1 AND e."account_id" = $2 AND e."conversation_key" IN (
         SELECT "conversation_key" FROM "email_messages" WHERE "tenant_id" = $1 AND "account_id" = $2 AND ("message_id" = ANY($3) OR "reference_token" = ANY($4)))
       GROUP BY e."conversation_key"`,
      [tenantId, accountId, [...messageIds], [...tokens]],
    );
    return rows.map((row) => ({
      conversationKey: row.conversation_key,
      referenceToken: row.reference_token,
      messageIds: row.message_ids,
      ...(row.customer ? { customerAddress: row.customer } : {}),
    }));
  }

  async record(manager: EntityManager, tenantId: string, mail: EmailMessageRecord): Promise<void> {
    await manager.query(
      `INSERT INTO "email_messages" ("tenant_id", "account_id", "message_id", "conversation_key", "reference_token", "direction", "subject", "references", "from_address", "to_address", "created_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [tenantId, mail.accountId, mail.messageId, mail.conversationKey, mail.referenceToken, mail.direction, mail.subject, [...mail.references], mail.fromAddress, mail.toAddress, mail.createdAt],
    );
  }

  /** The newest mail from the customer in the conversation: what a reply answers. */
  async lastInbound(manager: EntityManager, tenantId: string, accountId: string, conversationKey: string): Promise<EmailMessageRecord | undefined> {
    const rows: { message_id: string; reference_token: string; subject: string; references: string[]; from_address: string; to_address: string; created_at: Date }[] = await manager.query(
      `SELECT "message_id", "reference_token", "subject", "references", "from_address", "to_address", "created_at" FROM "email_messages"
       WHERE "tenant_id" = $1 AND "account_id" = $2 AND "conversation_key" = $3 AND "direction" = 'inbound' ORDER BY "created_at" DESC LIMIT 1`,
      [tenantId, accountId, conversationKey],
    );
    const row = rows[0];
    return (
      row && {
        accountId,
        messageId: row.message_id,
        conversationKey,
        referenceToken: row.reference_token,
        direction: 'inbound',
        subject: row.subject,
        references: row.references,
        fromAddress: row.from_address,
        toAddress: row.to_address,
        createdAt: row.created_at,
      }
    );
  }

  async cursor(manager: EntityManager, tenantId: string, accountId: string): Promise<ImapCursor | null> {
    const rows: { cursor: ImapCursor }[] = await manager.query(`SELECT "cursor" FROM "imap_cursors" WHERE "tenant_id" = $1 AND "account_id" = $2`, [tenantId, accountId]);
    return rows[0]?.cursor ?? null;
  }

  async saveCursor(manager: EntityManager, tenantId: string, accountId: string, cursor: ImapCursor, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO "imap_cursors" ("tenant_id", "account_id", "cursor", "updated_at") VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT ("tenant_id", "account_id") DO UPDATE SET "cursor" = EXCLUDED."cursor", "updated_at" = EXCLUDED."updated_at"`,
      [tenantId, accountId, JSON.stringify(cursor), now],
    );
  }
}
