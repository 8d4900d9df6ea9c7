import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

const TABLES = ['customers', 'customer_identities', 'interactions', 'messages', 'notes', 'cases', 'customer_merges', 'customer_erasures'] as const;

/**
 * History's tables, each sealed by tenant (ADR 0004). pg_trgm is a trusted extension, so the
 * database owner (cc_owner) may create it on PostgreSQL 13+ without a superuser.
 */
export class CreateHistoryTables1767484800000 implements MigrationInterface {
  readonly name = 'CreateHistoryTables1767484800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // merged_into: a merged customer stays as a pointer, so old ids keep resolving.
    await runner.query(`
      CREATE TABLE "customers" (
        "tenant_id" text NOT NULL,
        "customer_id" uuid NOT NULL,
        "display_name" text,
        "merged_into" uuid,
        "erased_at" timestamptz,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "customer_id")
      )`);
    await runner.query(`CREATE INDEX "customers_merged_into" ON "customers" ("tenant_id", "merged_into") WHERE "merged_into" IS NOT NULL`);
    await runner.query(`CREATE INDEX "customers_display_name_trgm" ON "customers" USING gin ("display_name" gin_trgm_ops)`);
    await runner.query(`
      CREATE TABLE "customer_identities" (
        "tenant_id" text NOT NULL,
        "kind" text NOT NULL CHECK ("kind" IN ('phone', 'email', 'whatsapp', 'messenger', 'line', 'telegram', 'webchat', 'external')),
        "value" text NOT NULL,
        "customer_id" uuid NOT NULL,
        "linked_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "kind", "value"),
        FOREIGN KEY ("tenant_id", "customer_id") REFERENCES "customers" ("tenant_id", "customer_id")
      )`);
    await runner.query(`CREATE INDEX "customer_identities_customer" ON "customer_identities" ("tenant_id", "customer_id")`);
    // The folded record (order-independent) plus the columns queries filter and sort on.
    await runner.query(`
      CREATE TABLE "interactions" (
        "tenant_id" text NOT NULL,
        "interaction_id" text NOT NULL,
        "customer_id" uuid,
        "channel" text,
        "started_at" timestamptz NOT NULL,
        "record" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("tenant_id", "interaction_id")
      )`);
    await runner.query(`CREATE INDEX "interactions_timeline" ON "interactions" ("tenant_id", "customer_id", "started_at" DESC, "interaction_id" DESC)`);
    // 'simple' splits on spaces and lower-cases without stemming, so it suits every language;
    // trigrams find fragments where words are not space-separated (Thai).
    await runner.query(`
      CREATE TABLE "messages" (
        "tenant_id" text NOT NULL,
        "message_id" text NOT NULL,
        "interaction_id" text,
        "customer_id" uuid,
        "channel" text NOT NULL,
        "direction" text NOT NULL CHECK ("direction" IN ('inbound', 'outbound')),
        "agent_id" text,
        "body" text NOT NULL,
        "attachments" jsonb NOT NULL DEFAULT '[]'::jsonb,
        "sent_at" timestamptz NOT NULL,
        "search" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "body")) STORED,
        PRIMARY KEY ("tenant_id", "message_id")
      )`);
    await runner.query(`CREATE INDEX "messages_interaction" ON "messages" ("tenant_id", "interaction_id", "sent_at")`);
    await runner.query(`CREATE INDEX "messages_customer" ON "messages" ("tenant_id", "customer_id")`);
    await runner.query(`CREATE INDEX "messages_search" ON "messages" USING gin ("search")`);
    await runner.query(`CREATE INDEX "messages_body_trgm" ON "messages" USING gin ("body" gin_trgm_ops)`);
    await runner.query(`
      CREATE TABLE "notes" (
        "tenant_id" text NOT NULL,
        "note_id" uuid NOT NULL,
        "customer_id" uuid NOT NULL,
        "interaction_id" text,
        "author_id" text NOT NULL,
        "body" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "note_id")
      )`);
    await runner.query(`CREATE INDEX "notes_customer" ON "notes" ("tenant_id", "customer_id", "created_at" DESC)`);
    await runner.query(`CREATE INDEX "notes_interaction" ON "notes" ("tenant_id", "interaction_id")`);
    await runner.query(`
      CREATE TABLE "cases" (
        "tenant_id" text NOT NULL,
        "case_id" uuid NOT NULL,
        "customer_id" uuid NOT NULL,
        "subject" text NOT NULL,
        "status" text NOT NULL CHECK ("status" IN ('open', 'pending', 'resolved')),
        "owner_id" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "case_id")
      )`);
    await runner.query(`CREATE INDEX "cases_customer" ON "cases" ("tenant_id", "customer_id", "status")`);
    // Audit rows hold ids only, so they survive erasure without keeping personal data.
    await runner.query(`
      CREATE TABLE "customer_merges" (
        "tenant_id" text NOT NULL,
        "merge_id" uuid NOT NULL,
        "source_customer_id" uuid NOT NULL,
        "target_customer_id" uuid NOT NULL,
        "merged_by" text NOT NULL,
        "reason" text NOT NULL,
        "moved" jsonb NOT NULL,
        "merged_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "merge_id")
      )`);
    await runner.query(`
      CREATE TABLE "customer_erasures" (
        "tenant_id" text NOT NULL,
        "customer_id" uuid NOT NULL,
        "erased_by" text NOT NULL,
        "reason" text NOT NULL,
        "erased_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "customer_id")
      )`);
    for (const table of TABLES) await enableRowLevelSecurity(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await disableRowLevelSecurity(runner, table);
      await runner.query(`DROP TABLE "${table}"`);
    }
    // The extension stays: other schemas in the database may use it.
  }
}
