import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

/**
 * The owner's inbox for commands (ADR 0009): the result of every command that came with a
 * command id, written in the transaction that applied it, so a retried or redelivered command
 * gets the same answer instead of being applied again. Sealed by workspace like every routing
 * table; rows older than a day go when a snapshot is taken.
 */
export class CreateRoutingCommandResults1767744000000 implements MigrationInterface {
  readonly name = 'CreateRoutingCommandResults1767744000000';

  async up(runner: QueryRunner): Promise<void> {
    // fingerprint: what the command asked, so an id reused for another command is refused.
    await runner.query(`
      CREATE TABLE "routing_command_results" (
        "workspace_id" text NOT NULL,
        "command_id" text NOT NULL,
        "fingerprint" text NOT NULL,
        "result" jsonb NOT NULL,
        "applied_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("workspace_id", "command_id")
      )`);
    await runner.query(`CREATE INDEX "routing_command_results_applied_at" ON "routing_command_results" ("workspace_id", "applied_at")`);
    await enableRowLevelSecurity(runner, 'routing_command_results', 'workspace_id');
  }

  async down(runner: QueryRunner): Promise<void> {
    await disableRowLevelSecurity(runner, 'routing_command_results');
    await runner.query(`DROP TABLE "routing_command_results"`);
  }
}
