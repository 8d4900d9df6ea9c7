import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

const TABLES = ['channel_accounts', 'conversations', 'messages', 'message_attachments', 'delivery_statuses', 'message_templates'] as const;

/** Channel accounts, conversations, the message log, attachments, delivery statuses, templates; all sealed by tenant. */
export class CreateChannelTables1767571200000 implements MigrationInterface {
  name = 'CreateChannelTables1767571200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "channel_accounts" (
        "tenant_id" text NOT NULL,
        "account_id" uuid NOT NULL,
        "workspace_id" text NOT NULL,
        "kind" text NOT NULL CHECK ("kind" IN ('sms', 'whatsapp', 'messenger', 'line', 'telegram', 'api', 'email', 'webchat')),
        "name" text NOT NULL,
        "address" text NOT NULL,
        "default_queue_id" text NOT NULL,
        "routing_rules" jsonb NOT NULL DEFAULT '[]',
        "rate_limit_per_second" integer NOT NULL DEFAULT 0 CHECK ("rate_limit_per_second" >= 0),
        "disabled" boolean NOT NULL DEFAULT false,
        "settings" jsonb NOT NULL DEFAULT '{}',
        "secret_names" text[] NOT NULL DEFAULT '{}',
        -- AES-256-GCM; the key lives in the service configuration, never in the database.
        "secrets_ciphertext" bytea NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "account_id")
      )`);
    await runner.query(`
      CREATE TABLE "conversations" (
        "tenant_id" text NOT NULL,
        "interaction_id" text NOT NULL,
        "account_id" uuid NOT NULL,
        "conversation_key" text NOT NULL,
        "customer_identity" text NOT NULL,
        "queue_id" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('waiting', 'assigned', 'closed')),
        "agent_id" text,
        "opened_at" timestamptz NOT NULL,
        "last_message_at" timestamptz NOT NULL,
        "closed_at" timestamptz,
        PRIMARY KEY ("tenant_id", "interaction_id")
      )`);
    // One open interaction per conversation key and account: the continuation rule, race-free.
    await runner.query(`CREATE UNIQUE INDEX "conversations_open_key" ON "conversations" ("tenant_id", "account_id", "conversation_key") WHERE "status" <> 'closed'`);
    await runner.query(`CREATE INDEX "conversations_key_history" ON "conversations" ("tenant_id", "account_id", "conversation_key", "opened_at")`);
    await runner.query(`
      CREATE TABLE "messages" (
        "tenant_id" text NOT NULL,
        "message_id" uuid NOT NULL,
        "account_id" uuid NOT NULL,
        "interaction_id" text NOT NULL,
        "direction" text NOT NULL CHECK ("direction" IN ('inbound', 'outbound')),
        "provider_message_id" text,
        "idempotency_key" text,
        "sender_identity" text,
        "agent_id" text,
        "text" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('received', 'pending', 'sent', 'delivered', 'read', 'failed')),
        "error_code" text,
        "created_at" timestamptz NOT NULL,
        "sent_at" timestamptz,
        PRIMARY KEY ("tenant_id", "message_id")
      )`);
    // Idempotency: a provider's message id is accepted once per account.
    await runner.query(`CREATE UNIQUE INDEX "messages_provider_id" ON "messages" ("tenant_id", "account_id", "provider_message_id")`);
    await runner.query(`CREATE UNIQUE INDEX "messages_idempotency_key" ON "messages" ("tenant_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`);
    await runner.query(`CREATE INDEX "messages_interaction" ON "messages" ("tenant_id", "interaction_id", "created_at")`);
    await runner.query(`
      CREATE TABLE "message_attachments" (
        "tenant_id" text NOT NULL,
        "attachment_id" uuid NOT NULL,
        "message_id" uuid NOT NULL,
        "file_name" text NOT NULL,
        "content_type" text NOT NULL,
        "size_bytes" bigint NOT NULL CHECK ("size_bytes" >= 0),
        "content" bytea CHECK (octet_length("content") <= 26214400),
        "url" text,
        PRIMARY KEY ("tenant_id", "attachment_id"),
        CHECK ("content" IS NOT NULL OR "url" IS NOT NULL)
      )`);
    await runner.query(`CREATE INDEX "message_attachments_message" ON "message_attachments" ("tenant_id", "message_id")`);
    await runner.query(`
      CREATE TABLE "delivery_statuses" (
        "tenant_id" text NOT NULL,
        "account_id" uuid NOT NULL,
        "provider_message_id" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('sent', 'delivered', 'read', 'failed')),
        "message_id" uuid,
        "error_code" text,
        "occurred_at" timestamptz NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "account_id", "provider_message_id", "status")
      )`);
    await runner.query(`
      CREATE TABLE "message_templates" (
        "tenant_id" text NOT NULL,
        "template_id" uuid NOT NULL,
        "name" text NOT NULL,
        "body" text NOT NULL,
        "variables" text[] NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "template_id"),
        UNIQUE ("tenant_id", "name")
      )`);
    for (const table of TABLES) await enableRowLevelSecurity(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await disableRowLevelSecurity(runner, table);
      await runner.query(`DROP TABLE "${table}"`);
    }
  }
}
