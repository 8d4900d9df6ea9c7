import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

/**
 * Web-chat visitors and their message order, e-mail threads, IMAP cursors, and the cross-tenant
 * lookups inbound channels without a tenant in their URL need (a widget id, a recipient address,
 * the mailboxes to poll): `channel_account_by_address(kind, address)` and
 * `channel_accounts_by_kind(kind)` return only tenant and account ids, as the table's owner
 * through a read-only policy; the service role still sees only its tenant's rows.
 */
export class AddWebChatAndAddressLookup1767744000000 implements MigrationInterface {
  readonly name = 'AddWebChatAndAddressLookup1767744000000';

  async up(runner: QueryRunner): Promise<void> {
    // A widget id or an e-mail address names one account across all tenants.
    await runner.query(`CREATE UNIQUE INDEX "channel_accounts_public_address" ON "channel_accounts" ("kind", lower("address")) WHERE "kind" IN ('webchat', 'email')`);
    await runner.query(`CREATE POLICY "channel_accounts_address_lookup" ON "channel_accounts" FOR SELECT TO CURRENT_USER USING (true)`);
    await runner.query(`
      CREATE FUNCTION "channel_account_by_address"(p_kind text, p_address text)
      RETURNS TABLE ("tenant_id" text, "account_id" uuid)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
      AS $$ SELECT a."tenant_id", a."account_id" FROM "channel_accounts" a
            WHERE a."kind" = p_kind AND lower(a."address") = lower(p_address) AND NOT a."disabled" $$`);
    // Mailboxes to poll are found before any tenant is known, too.
    await runner.query(`
      CREATE FUNCTION "channel_accounts_by_kind"(p_kind text)
      RETURNS TABLE ("tenant_id" text, "account_id" uuid)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
      AS $$ SELECT a."tenant_id", a."account_id" FROM "channel_accounts" a WHERE a."kind" = p_kind AND NOT a."disabled" ORDER BY 1, 2 $$`);
    await runner.query(`
      CREATE TABLE "webchat_visitors" (
        "tenant_id" text NOT NULL,
        "account_id" uuid NOT NULL,
        "visitor_id" text NOT NULL,
        "name" text,
        "email" text,
        -- The widget orders and de-duplicates by this; it never restarts for a visitor.
        "last_seq" bigint NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "account_id", "visitor_id")
      )`);
    await enableRowLevelSecurity(runner, 'webchat_visitors');
    await runner.query(`CREATE INDEX "conversations_waiting" ON "conversations" ("tenant_id", "queue_id", "opened_at") WHERE "status" = 'waiting'`);
    await runner.query(`ALTER TABLE "messages" ADD COLUMN "seq" bigint`);
    await runner.query(`CREATE UNIQUE INDEX "messages_conversation_seq" ON "messages" ("tenant_id", "interaction_id", "seq") WHERE "seq" IS NOT NULL`);
    // E-mail threading: every mail of a conversation (both directions) with what a reply needs.
    await runner.query(`
      CREATE TABLE "email_messages" (
        "tenant_id" text NOT NULL,
        "account_id" uuid NOT NULL,
        "message_id" text NOT NULL,
        "conversation_key" text NOT NULL,
        "reference_token" text NOT NULL,
        "direction" text NOT NULL CHECK ("direction" IN ('inbound', 'outbound')),
        "subject" text NOT NULL,
        "references" text[] NOT NULL,
        "from_address" text NOT NULL,
        "to_address" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "account_id", "message_id")
      )`);
    await runner.query(`CREATE INDEX "email_messages_token" ON "email_messages" ("tenant_id", "account_id", "reference_token")`);
    await runner.query(`CREATE INDEX "email_messages_conversation" ON "email_messages" ("tenant_id", "account_id", "conversation_key", "created_at")`);
    await enableRowLevelSecurity(runner, 'email_messages');
    await runner.query(`
      CREATE TABLE "imap_cursors" (
        "tenant_id" text NOT NULL,
        "account_id" uuid NOT NULL,
        "cursor" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "account_id")
      )`);
    await enableRowLevelSecurity(runner, 'imap_cursors');
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['imap_cursors', 'email_messages', 'webchat_visitors']) {
      await disableRowLevelSecurity(runner, table);
      await runner.query(`DROP TABLE "${table}"`);
    }
    await runner.query(`DROP INDEX "messages_conversation_seq"`);
    await runner.query(`ALTER TABLE "messages" DROP COLUMN "seq"`);
    await runner.query(`DROP INDEX "conversations_waiting"`);
    await runner.query(`DROP FUNCTION "channel_accounts_by_kind"(text)`);
    await runner.query(`DROP FUNCTION "channel_account_by_address"(text, text)`);
    await runner.query(`DROP POLICY "channel_accounts_address_lookup" ON "channel_accounts"`);
    await runner.query(`DROP INDEX "channel_accounts_public_address"`);
  }
}
