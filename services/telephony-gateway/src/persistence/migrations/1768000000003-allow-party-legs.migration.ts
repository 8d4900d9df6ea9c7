import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A conference's third party gets a call leg of its own (role `party`), beside the caller's and the agents'. */
export class AllowPartyLegs1768000000003 implements MigrationInterface {
  readonly name = 'AllowPartyLegs1768000000003';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "telephony_call_legs" DROP CONSTRAINT "telephony_call_legs_role_check"`);
    await runner.query(`ALTER TABLE "telephony_call_legs" ADD CONSTRAINT "telephony_call_legs_role_check" CHECK ("role" IN ('caller', 'agent', 'party'))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    // The narrower check cannot hold party legs: they go with it.
    await runner.query(`DELETE FROM "telephony_call_legs" WHERE "role" = 'party'`);
    await runner.query(`ALTER TABLE "telephony_call_legs" DROP CONSTRAINT "telephony_call_legs_role_check"`);
    await runner.query(`ALTER TABLE "telephony_call_legs" ADD CONSTRAINT "telephony_call_legs_role_check" CHECK ("role" IN ('caller', 'agent'))`);
  }
}
