import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

/**
 * Seals `routing_workspaces` by workspace like every other routing table (ADR 0004, ADR 0009).
 * An instance that is handed a partition must still learn which workspaces have state there,
 * across workspaces: `routing_workspace_ids()` lists the ids (nothing else) as the table's
 * owner, whose own read-only policy sees every row. The service role reads and writes rows only
 * of the workspace set in its transaction.
 */
export class SealRoutingWorkspaces1767657600000 implements MigrationInterface {
  readonly name = 'SealRoutingWorkspaces1767657600000';

  async up(runner: QueryRunner): Promise<void> {
    await enableRowLevelSecurity(runner, 'routing_workspaces', 'workspace_id');
    await runner.query(`CREATE POLICY "routing_workspaces_listing" ON "routing_workspaces" FOR SELECT TO CURRENT_USER USING (true)`);
    await runner.query(`
      CREATE FUNCTION "routing_workspace_ids"() RETURNS SETOF text
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
      AS $$ SELECT "workspace_id" FROM "routing_workspaces" ORDER BY "workspace_id" $$`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION "routing_workspace_ids"()`);
    await runner.query(`DROP POLICY "routing_workspaces_listing" ON "routing_workspaces"`);
    await disableRowLevelSecurity(runner, 'routing_workspaces');
  }
}
