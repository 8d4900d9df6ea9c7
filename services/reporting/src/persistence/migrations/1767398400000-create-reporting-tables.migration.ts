import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

const TABLES = ['interaction_facts', 'agent_state_changes', 'interval_aggregates'] as const;

/** Reporting's own tables, each sealed by tenant (ADR 0004). */
export class CreateReportingTables1767398400000 implements MigrationInterface {
  readonly name = 'CreateReportingTables1767398400000';

  async up(runner: QueryRunner): Promise<void> {
    // The merged facts of one interaction; its aggregate contributions are recomputed from it.
    await runner.query(`
      CREATE TABLE "interaction_facts" (
        "tenant_id" text NOT NULL,
        "interaction_id" text NOT NULL,
        "record" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("tenant_id", "interaction_id")
      )`);
    await runner.query(`
      CREATE TABLE "agent_state_changes" (
        "tenant_id" text NOT NULL,
        "agent_id" text NOT NULL,
        "changed_at" timestamptz NOT NULL,
        "event_id" uuid NOT NULL,
        "activity" text NOT NULL,
        PRIMARY KEY ("tenant_id", "agent_id", "changed_at", "event_id")
      )`);
    // Counters only (additive), so any range and roll-up is a SUM; ratios are derived on read.
    await runner.query(`
      CREATE TABLE "interval_aggregates" (
        "tenant_id" text NOT NULL,
        "interval_start" timestamptz NOT NULL,
        "queue_id" text NOT NULL,
        "channel" text NOT NULL,
        "agent_id" text NOT NULL,
        "offered" bigint NOT NULL DEFAULT 0,
        "short_abandoned" bigint NOT NULL DEFAULT 0,
        "answered" bigint NOT NULL DEFAULT 0,
        "answered_within_threshold" bigint NOT NULL DEFAULT 0,
        "abandoned" bigint NOT NULL DEFAULT 0,
        "abandoned_within_threshold" bigint NOT NULL DEFAULT 0,
        "answer_wait_ms" bigint NOT NULL DEFAULT 0,
        "handled" bigint NOT NULL DEFAULT 0,
        "talk_ms" bigint NOT NULL DEFAULT 0,
        "hold_ms" bigint NOT NULL DEFAULT 0,
        "acw_ms" bigint NOT NULL DEFAULT 0,
        "transferred" bigint NOT NULL DEFAULT 0,
        "first_responses" bigint NOT NULL DEFAULT 0,
        "first_response_ms" bigint NOT NULL DEFAULT 0,
        "first_response_sla_hits" bigint NOT NULL DEFAULT 0,
        "first_response_sla_misses" bigint NOT NULL DEFAULT 0,
        "handling_ms" bigint NOT NULL DEFAULT 0,
        "available_ms" bigint NOT NULL DEFAULT 0,
        "scheduled_ms" bigint NOT NULL DEFAULT 0,
        PRIMARY KEY ("tenant_id", "interval_start", "queue_id", "channel", "agent_id")
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
