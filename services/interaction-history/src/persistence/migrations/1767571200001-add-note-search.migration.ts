import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Notes searchable like messages: 'simple' full text for words, trigrams for fragments (Thai). */
export class AddNoteSearch1767571200001 implements MigrationInterface {
  readonly name = 'AddNoteSearch1767571200001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notes" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "body")) STORED`);
    await runner.query(`CREATE INDEX "notes_search" ON "notes" USING gin ("search")`);
    await runner.query(`CREATE INDEX "notes_body_trgm" ON "notes" USING gin ("body" gin_trgm_ops)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "notes_body_trgm"`);
    await runner.query(`DROP INDEX "notes_search"`);
    await runner.query(`ALTER TABLE "notes" DROP COLUMN "search"`);
  }
}
