import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * REGISTER for agent phones. A REGISTER names a SIP username before any tenant is known, so
 * usernames become unique across tenants (like numbers) and `telephony_resolve_sip_account`
 * answers, for one username, the tenant, workspace, agent and digest HA1 needed to check the
 * phone's credentials. It runs as the tables' owner through a read-only owner policy; the
 * service role still sees only its tenant's rows.
 */
export class AddSipAccountResolution1768000000001 implements MigrationInterface {
  readonly name = 'AddSipAccountResolution1768000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE UNIQUE INDEX "telephony_agent_endpoints_sip_username" ON "telephony_agent_endpoints" ("sip_username") WHERE "sip_username" IS NOT NULL`);
    await runner.query(`CREATE POLICY "telephony_agent_endpoints_resolution" ON "telephony_agent_endpoints" FOR SELECT TO CURRENT_USER USING (true)`);
    await runner.query(`
      CREATE FUNCTION "telephony_resolve_sip_account"(username text)
      RETURNS TABLE ("tenant_id" text, "workspace_id" text, "agent_id" text, "digest_ha1" text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
      AS $$ SELECT e."tenant_id", e."workspace_id", e."agent_id", e."digest_ha1" FROM "telephony_agent_endpoints" e WHERE e."sip_username" = username $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION "telephony_resolve_sip_account"(text)`);
    await runner.query(`DROP POLICY "telephony_agent_endpoints_resolution" ON "telephony_agent_endpoints"`);
    await runner.query(`DROP INDEX "telephony_agent_endpoints_sip_username"`);
  }
}
