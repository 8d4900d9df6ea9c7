import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

export interface InboxMigrationOptions {
  /** Timestamp in the migration's name, which orders it among the service's migrations. */
  readonly timestamp?: number;
}

/** Creates the `inbox` table: which event each consumer group has already processed. */
export function createInboxMigration(options: InboxMigrationOptions = {}): new () => MigrationInterface {
  const name = `CreateInbox${options.timestamp ?? 1767225600001}`;

  return class CreateInboxMigration implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "inbox" (
          "consumer_group" text NOT NULL,
          "event_id" uuid NOT NULL,
          "tenant_id" text NOT NULL,
          "processed_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("consumer_group", "event_id")
        )`);
      await enableRowLevelSecurity(runner, 'inbox');
    }

    async down(runner: QueryRunner): Promise<void> {
      await disableRowLevelSecurity(runner, 'inbox');
      await runner.query(`DROP TABLE "inbox"`);
    }
  };
}
