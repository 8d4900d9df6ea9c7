import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interactions filed under a case; the case's customer is the interaction's. `case_by_agent`:
 * an agent filed or unfiled it by hand, so the automatic rule leaves it alone.
 */
export class AddInteractionCase1767571200000 implements MigrationInterface {
  readonly name = 'AddInteractionCase1767571200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "interactions" ADD COLUMN "case_id" uuid, ADD COLUMN "case_by_agent" boolean NOT NULL DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "interactions" DROP COLUMN "case_by_agent", DROP COLUMN "case_id"`);
  }
}
