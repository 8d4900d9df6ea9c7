import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

/** Routing configuration and state belong to a workspace, so every table is sealed by workspace (ADR 0004). */
const TABLES = ['routing_queues', 'routing_skills', 'routing_business_hours', 'routing_agent_profiles', 'routing_snapshots', 'routing_journal'] as const;

/**
 * Configuration rows (the admin API's source of truth, fed to the engine) and the engine's
 * durable state: the latest snapshot per workspace plus the journal of commands applied since,
 * which together rebuild the in-memory engine exactly (the engine is deterministic).
 */
export class CreateRoutingTables1767571200000 implements MigrationInterface {
  readonly name = 'CreateRoutingTables1767571200000';

  async up(runner: QueryRunner): Promise<void> {
    // The routing rules (steps, overflow, closed behaviour) are part of the queue's definition.
    await runner.query(`
      CREATE TABLE "routing_queues" (
        "workspace_id" text NOT NULL,
        "queue_id" text NOT NULL,
        "tenant_id" text NOT NULL,
        "definition" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("workspace_id", "queue_id")
      )`);
    await runner.query(`
      CREATE TABLE "routing_skills" (
        "workspace_id" text NOT NULL,
        "name" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        PRIMARY KEY ("workspace_id", "name")
      )`);
    await runner.query(`
      CREATE TABLE "routing_business_hours" (
        "workspace_id" text NOT NULL,
        "business_hours_id" text NOT NULL,
        "definition" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("workspace_id", "business_hours_id")
      )`);
    await runner.query(`
      CREATE TABLE "routing_agent_profiles" (
        "workspace_id" text NOT NULL,
        "agent_id" text NOT NULL,
        "definition" jsonb NOT NULL,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("workspace_id", "agent_id")
      )`);
    // journal_seq: the last journal entry the snapshot includes; kafka_offsets: per
    // "topic#partition" the last consumed offset applied, for operators and replay tools.
    await runner.query(`
      CREATE TABLE "routing_snapshots" (
        "workspace_id" text PRIMARY KEY,
        "journal_seq" bigint NOT NULL,
        "snapshot" jsonb NOT NULL,
        "kafka_offsets" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "taken_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // The primary key fences writers: two instances that both believe they own a workspace
    // cannot both append entry n, so the loser reloads instead of diverging.
    await runner.query(`
      CREATE TABLE "routing_journal" (
        "workspace_id" text NOT NULL,
        "seq" bigint NOT NULL,
        "commands" jsonb NOT NULL,
        "source" jsonb,
        "applied_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("workspace_id", "seq")
      )`);
    for (const table of TABLES) await enableRowLevelSecurity(runner, table, 'workspace_id');
    // Which workspaces have routing state, so an instance can start their timers after a
    // restart before any new command arrives. Ids only, no tenant data: the one table the
    // service role reads across workspaces, which row-level security would forbid.
    await runner.query(`CREATE TABLE "routing_workspaces" ("workspace_id" text PRIMARY KEY, "created_at" timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "routing_workspaces"`);
    for (const table of [...TABLES].reverse()) {
      await disableRowLevelSecurity(runner, table);
      await runner.query(`DROP TABLE "${table}"`);
    }
  }
}
