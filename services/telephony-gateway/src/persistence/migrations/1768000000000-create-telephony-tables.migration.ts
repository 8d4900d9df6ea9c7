import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

const TABLES = ['telephony_ivr_flows', 'telephony_dids', 'telephony_agent_endpoints', 'telephony_calls', 'telephony_call_legs'] as const;

/**
 * Numbers, flows, agent phones and the call log, every table sealed by tenant (ADR 0004).
 * An INVITE names a number before any tenant is known, so `telephony_resolve_did(e164)` answers
 * "which tenant, workspace and flow" for one number across tenants: it runs as the tables'
 * owner, whose extra read-only policy on `telephony_dids` sees every row, and returns only
 * that routing triple, never a listing. The service role still sees only its tenant's rows.
 */
export class CreateTelephonyTables1768000000000 implements MigrationInterface {
  readonly name = 'CreateTelephonyTables1768000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "telephony_ivr_flows" (
        "tenant_id" text NOT NULL,
        "flow_id" text NOT NULL,
        "definition" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("tenant_id", "flow_id")
      )`);
    // E.164 numbers are unique across the platform: a trunk delivers one number to one tenant.
    await runner.query(`
      CREATE TABLE "telephony_dids" (
        "e164" text PRIMARY KEY CHECK ("e164" ~ '^\\+[1-9][0-9]{6,14}$'),
        "tenant_id" text NOT NULL,
        "workspace_id" text NOT NULL,
        "flow_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY ("tenant_id", "flow_id") REFERENCES "telephony_ivr_flows" ("tenant_id", "flow_id")
      )`);
    await runner.query(`CREATE INDEX "telephony_dids_tenant" ON "telephony_dids" ("tenant_id")`);
    // Digest HA1 = MD5(username:realm:password), never the password itself; or a fixed SIP URI.
    await runner.query(`
      CREATE TABLE "telephony_agent_endpoints" (
        "tenant_id" text NOT NULL,
        "agent_id" text NOT NULL,
        "workspace_id" text NOT NULL,
        "sip_username" text,
        "digest_ha1" text CHECK ("digest_ha1" ~ '^[0-9a-f]{32}$'),
        "sip_uri" text,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("tenant_id", "agent_id"),
        CHECK (("sip_username" IS NOT NULL AND "digest_ha1" IS NOT NULL) OR "sip_uri" IS NOT NULL)
      )`);
    await runner.query(`
      CREATE TABLE "telephony_calls" (
        "tenant_id" text NOT NULL,
        "call_id" uuid NOT NULL,
        "workspace_id" text NOT NULL,
        "interaction_id" text NOT NULL,
        "sip_call_id" text NOT NULL,
        "from_number" text NOT NULL,
        "to_number" text NOT NULL,
        "state" text NOT NULL,
        "started_at" timestamptz NOT NULL,
        "ended_at" timestamptz,
        "ended_by" text,
        "end_reason" text,
        "recording_uri" text,
        PRIMARY KEY ("tenant_id", "call_id")
      )`);
    await runner.query(`
      CREATE TABLE "telephony_call_legs" (
        "tenant_id" text NOT NULL,
        "call_id" uuid NOT NULL,
        "leg_id" text NOT NULL,
        "role" text NOT NULL CHECK ("role" IN ('caller', 'agent')),
        "remote_uri" text NOT NULL,
        "agent_id" text,
        "started_at" timestamptz NOT NULL,
        "answered_at" timestamptz,
        "ended_at" timestamptz,
        "end_status" integer,
        PRIMARY KEY ("tenant_id", "call_id", "leg_id"),
        FOREIGN KEY ("tenant_id", "call_id") REFERENCES "telephony_calls" ("tenant_id", "call_id") ON DELETE CASCADE
      )`);
    for (const table of TABLES) await enableRowLevelSecurity(runner, table);
    await runner.query(`CREATE POLICY "telephony_dids_resolution" ON "telephony_dids" FOR SELECT TO CURRENT_USER USING (true)`);
    await runner.query(`
      CREATE FUNCTION "telephony_resolve_did"(number text)
      RETURNS TABLE ("tenant_id" text, "workspace_id" text, "flow_id" text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
      AS $$ SELECT d."tenant_id", d."workspace_id", d."flow_id" FROM "telephony_dids" d WHERE d."e164" = number $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION "telephony_resolve_did"(text)`);
    await runner.query(`DROP POLICY "telephony_dids_resolution" ON "telephony_dids"`);
    for (const table of [...TABLES].reverse()) await disableRowLevelSecurity(runner, table);
    for (const table of [...TABLES].reverse()) await runner.query(`DROP TABLE "${table}"`);
  }
}
