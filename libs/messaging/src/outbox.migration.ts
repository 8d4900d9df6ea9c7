import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

/** NOTIFY channel the outbox trigger signals on commit, so an idle relay wakes at once. */
export const OUTBOX_CHANNEL = 'outbox';

export interface OutboxMigrationOptions {
  /** The role the relay connects as; it alone reads (and deletes) every tenant's rows. */
  readonly relayRole?: string;
  /** Timestamp in the migration's name, which orders it among the service's migrations. */
  readonly timestamp?: number;
}

const identifier = /^[a-z_][a-z0-9_]*$/;

/**
 * Creates the `outbox` table, sealed by tenant like every tenant table, plus a second
 * permissive policy for the relay role: policies OR together, so the relay sees all rows
 * while the service role sees only its own tenant's.
 */
export function createOutboxMigration(options: OutboxMigrationOptions = {}): new () => MigrationInterface {
  const relayRole = options.relayRole ?? 'cc_relay';
  if (!identifier.test(relayRole)) throw new Error(`invalid relay role name: ${relayRole}`);
  const name = `CreateOutbox${options.timestamp ?? 1767225600000}`;

  return class CreateOutboxMigration implements MigrationInterface {
    readonly name = name;

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "outbox" (
          "id" uuid PRIMARY KEY,
          "seq" bigserial NOT NULL UNIQUE,
          "tenant_id" text NOT NULL,
          "workspace_id" text NOT NULL,
          "topic" text NOT NULL,
          "key" text NOT NULL,
          "type" text NOT NULL,
          "payload" bytea NOT NULL,
          "headers" jsonb NOT NULL DEFAULT '{}'::jsonb,
          "traceparent" text,
          "occurred_at" timestamptz NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT now()
        )`);
      await enableRowLevelSecurity(runner, 'outbox');
      await runner.query(`CREATE POLICY "outbox_relay" ON "outbox" TO ${relayRole} USING (true)`);
      await runner.query(`GRANT SELECT, DELETE ON "outbox" TO ${relayRole}`);
      // Statement-level and deferred to commit by NOTIFY itself: one wake-up per transaction.
      await runner.query(`
        CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
          RETURN NULL;
        END $$`);
      await runner.query(
        `CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"()`,
      );
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TRIGGER IF EXISTS "outbox_notify" ON "outbox"`);
      await runner.query(`DROP FUNCTION IF EXISTS "outbox_notify"()`);
      await runner.query(`DROP POLICY IF EXISTS "outbox_relay" ON "outbox"`);
      await disableRowLevelSecurity(runner, 'outbox');
      await runner.query(`DROP TABLE "outbox"`);
    }
  };
}
