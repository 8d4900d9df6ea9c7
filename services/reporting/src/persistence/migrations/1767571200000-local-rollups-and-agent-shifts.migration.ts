import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';
import { rebuildDailyRollups } from '../interval-aggregate.repository';

const TABLES = ['daily_rollup_zones', 'agent_shifts'] as const;

/**
 * The zone whose local days each tenant's daily roll-ups hold (absent: UTC, as before), and the
 * agents' paid shifts (utilization's denominator).
 */
export class LocalRollupsAndAgentShifts1767571200000 implements MigrationInterface {
  readonly name = 'LocalRollupsAndAgentShifts1767571200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "daily_rollup_zones" (
        "tenant_id" text PRIMARY KEY,
        "time_zone" text NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE "agent_shifts" (
        "tenant_id" text NOT NULL,
        "shift_id" uuid NOT NULL,
        "agent_id" text NOT NULL,
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("tenant_id", "shift_id"),
        CHECK ("ends_at" > "starts_at")
      )`);
    await runner.query(`CREATE INDEX "agent_shifts_agent" ON "agent_shifts" ("tenant_id", "agent_id", "starts_at")`);
    for (const table of TABLES) await enableRowLevelSecurity(runner, table);
  }

  /** Tenants whose roll-ups follow another zone get UTC days back, which is all the older code reads. */
  async down(runner: QueryRunner): Promise<void> {
    await disableRowLevelSecurity(runner, 'daily_rollup_zones');
    const zoned: { tenant_id: string }[] = await runner.query(`SELECT "tenant_id" FROM "daily_rollup_zones" WHERE "time_zone" <> 'UTC'`);
    for (const { tenant_id: tenantId } of zoned) {
      await runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      await rebuildDailyRollups(runner, tenantId, 'UTC');
    }
    await disableRowLevelSecurity(runner, 'agent_shifts');
    await runner.query(`DROP TABLE "agent_shifts"`);
    await runner.query(`DROP TABLE "daily_rollup_zones"`);
  }
}
