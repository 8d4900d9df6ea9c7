import type { MigrationInterface, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from '@contactcenter/tenancy';

/**
 * Agent phones' registered contacts, shared by every gateway pod: a phone registers with
 * whichever pod the SIP load balancer picks, and the pod that holds the call rings it. One row
 * per contact of a SIP username, with its expiry; sealed by tenant like the endpoint it belongs
 * to (deleting the endpoint deletes them).
 */
export class CreateRegistrations1768000000002 implements MigrationInterface {
  readonly name = 'CreateRegistrations1768000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "telephony_registrations" (
        "tenant_id" text NOT NULL,
        "sip_username" text NOT NULL,
        "contact" text NOT NULL,
        "workspace_id" text NOT NULL,
        "agent_id" text NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "q" real NOT NULL DEFAULT 1,
        "sip_call_id" text NOT NULL,
        "cseq" integer NOT NULL,
        "registered_at" timestamptz NOT NULL,
        PRIMARY KEY ("tenant_id", "sip_username", "contact"),
        FOREIGN KEY ("tenant_id", "agent_id") REFERENCES "telephony_agent_endpoints" ("tenant_id", "agent_id") ON DELETE CASCADE
      )`);
    await runner.query(`CREATE INDEX "telephony_registrations_agent" ON "telephony_registrations" ("tenant_id", "agent_id", "expires_at")`);
    await enableRowLevelSecurity(runner, 'telephony_registrations');
  }

  async down(runner: QueryRunner): Promise<void> {
    await disableRowLevelSecurity(runner, 'telephony_registrations');
    await runner.query(`DROP TABLE "telephony_registrations"`);
  }
}
