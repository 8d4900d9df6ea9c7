import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

const NEW_COUNTERS = [
  'fcr_resolved',
  'fcr_repeated',
  'csat_responses',
  'csat_satisfied',
  'csat_score_sum',
  'nps_responses',
  'nps_promoters',
  'nps_detractors',
  'ces_responses',
  'ces_score_sum',
] as const;

const AGGREGATE_COLUMNS = [
  'offered', 'short_abandoned', 'answered', 'answered_within_threshold', 'abandoned', 'abandoned_within_threshold', 'answer_wait_ms',
  'handled', 'talk_ms', 'hold_ms', 'acw_ms', 'transferred', 'first_responses', 'first_response_ms', 'first_response_sla_hits',
  'first_response_sla_misses', 'handling_ms', 'available_ms', 'scheduled_ms', ...NEW_COUNTERS,
];

const NEW_TABLES = ['daily_aggregates', 'tenant_daily_aggregates', 'customer_fcr_contributions', 'agent_teams', 'tenant_kpi_settings'] as const;

/**
 * FCR and survey counters; each interaction's (and customer's) last contributions, so a change
 * retracts exactly what was added even after the tenant's KPI settings changed; the customer
 * link and entry time of an interaction (FCR lookups, detail export); away reasons; teams and
 * per-tenant KPI settings; daily roll-ups of the interval aggregates, so month-long queries by day,
 * week or month read 96 times fewer rows.
 */
export class CompleteHistoricalReporting1767484800000 implements MigrationInterface {
  readonly name = 'CompleteHistoricalReporting1767484800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "interval_aggregates" ${NEW_COUNTERS.map((c) => `ADD COLUMN "${c}" bigint NOT NULL DEFAULT 0`).join(', ')}`);
    await runner.query(`
      ALTER TABLE "interaction_facts"
        ADD COLUMN "contributions" jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN "customer_id" text,
        ADD COLUMN "entered_at" timestamptz`);
    await runner.query(`CREATE INDEX "interaction_facts_customer" ON "interaction_facts" ("tenant_id", "customer_id") WHERE "customer_id" IS NOT NULL`);
    await runner.query(`CREATE INDEX "interaction_facts_entered" ON "interaction_facts" ("tenant_id", "entered_at", "interaction_id")`);
    await runner.query(`ALTER TABLE "agent_state_changes" ADD COLUMN "reason" text NOT NULL DEFAULT ''`);
    // The same counters summed per UTC day, kept by the same deltas as interval_aggregates.
    await runner.query(`CREATE TABLE "daily_aggregates" (LIKE "interval_aggregates" INCLUDING DEFAULTS)`);
    await runner.query(`ALTER TABLE "daily_aggregates" RENAME COLUMN "interval_start" TO "day_start"`);
    await runner.query(`ALTER TABLE "daily_aggregates" ADD PRIMARY KEY ("tenant_id", "day_start", "queue_id", "channel", "agent_id")`);
    await runner.query(`
      INSERT INTO "daily_aggregates" ("tenant_id", "day_start", "queue_id", "channel", "agent_id", ${AGGREGATE_COLUMNS.map((c) => `"${c}"`).join(', ')})
      SELECT "tenant_id", date_trunc('day', "interval_start", 'UTC'), "queue_id", "channel", "agent_id",
             ${AGGREGATE_COLUMNS.map((c) => `sum("${c}")`).join(', ')}
        FROM "interval_aggregates" GROUP BY 1, 2, 3, 4, 5`);
    // The same per day and channel only (queue and agent ''): whole-tenant months read ~100 rows.
    await runner.query(`CREATE TABLE "tenant_daily_aggregates" (LIKE "daily_aggregates" INCLUDING DEFAULTS)`);
    await runner.query(`ALTER TABLE "tenant_daily_aggregates" ADD PRIMARY KEY ("tenant_id", "day_start", "queue_id", "channel", "agent_id")`);
    await runner.query(`
      INSERT INTO "tenant_daily_aggregates" ("tenant_id", "day_start", "queue_id", "channel", "agent_id", ${AGGREGATE_COLUMNS.map((c) => `"${c}"`).join(', ')})
      SELECT "tenant_id", "day_start", '', "channel", '', ${AGGREGATE_COLUMNS.map((c) => `sum("${c}")`).join(', ')}
        FROM "daily_aggregates" GROUP BY 1, 2, 4`);
    await runner.query(`
      CREATE TABLE "customer_fcr_contributions" (
        "tenant_id" text NOT NULL,
        "customer_id" text NOT NULL,
        "contributions" jsonb NOT NULL,
        PRIMARY KEY ("tenant_id", "customer_id")
      )`);
    await runner.query(`
      CREATE TABLE "agent_teams" (
        "tenant_id" text NOT NULL,
        "agent_id" text NOT NULL,
        "team_id" text NOT NULL,
        PRIMARY KEY ("tenant_id", "agent_id")
      )`);
    await runner.query(`
      CREATE TABLE "tenant_kpi_settings" (
        "tenant_id" text PRIMARY KEY,
        "settings" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of NEW_TABLES) await enableRowLevelSecurity(runner, table);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...NEW_TABLES].reverse()) {
      await disableRowLevelSecurity(runner, table);
      await runner.query(`DROP TABLE "${table}"`);
    }
    await runner.query(`ALTER TABLE "agent_state_changes" DROP COLUMN "reason"`);
    await runner.query(`DROP INDEX "interaction_facts_entered"`);
    await runner.query(`DROP INDEX "interaction_facts_customer"`);
    await runner.query(`ALTER TABLE "interaction_facts" DROP COLUMN "entered_at", DROP COLUMN "customer_id", DROP COLUMN "contributions"`);
    await runner.query(`ALTER TABLE "interval_aggregates" ${NEW_COUNTERS.map((c) => `DROP COLUMN "${c}"`).join(', ')}`);
  }
}
