import { randomUUID } from 'node:crypto';
import { createTestDatabase, newScope, TestDatabase } from '@contactcenter/testing';
import { Client } from 'pg';
import { Column, DataSource, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryFailedError, QueryRunner } from 'typeorm';
import { disableRowLevelSecurity, enableRowLevelSecurity } from './rls-migration';
import { TenantContext, TenantScope } from './tenant-context';
import { withTenantTransaction } from './tenant-transaction';

@Entity('sample_note')
class SampleNote {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'text' }) tenantId!: string;
  @Column({ type: 'text' }) body!: string;
}

@Entity('sample_agent')
class SampleAgent {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'workspace_id', type: 'text' }) workspaceId!: string;
  @Column({ type: 'text' }) name!: string;
}

@Entity('sample_recording')
class SampleRecording {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
}

const SEALED_TABLES = [
  ['sample_note', 'tenant_id'],
  ['sample_agent', 'workspace_id'],
  ['sample_recording', 'tenant_id'],
] as const;

class CreateSampleTables1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE sample_note (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id text NOT NULL, body text NOT NULL)`);
    await runner.query(`CREATE TABLE sample_agent (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), workspace_id text NOT NULL, name text NOT NULL)`);
    await runner.query(`CREATE TABLE sample_recording (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), tenant_id uuid NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE sample_recording, sample_agent, sample_note`);
  }
}

class SealSampleTables1700000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const [table, column] of SEALED_TABLES) await enableRowLevelSecurity(runner, table, column);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const [table] of SEALED_TABLES) await disableRowLevelSecurity(runner, table);
  }
}

const RLS_VIOLATION = '42501';
const INVALID_TEXT_REPRESENTATION = '22P02';

function postgresCode(error: unknown): string | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
}

describe('row-level security (enableRowLevelSecurity + withTenantTransaction)', () => {
  let database: TestDatabase;
  let owner: DataSource;
  let app: DataSource;
  let admin: Client;
  const tenantA: TenantScope = newScope();
  const tenantB: TenantScope = newScope({ workspaceId: tenantA.workspaceId });
  const otherWorkspace = newScope();

  /** Runs work as cc_app inside the given tenant context, the way services do. */
  const asTenant = <T>(scope: TenantScope, work: Parameters<typeof withTenantTransaction<T>>[1]) =>
    TenantContext.run(scope, () => withTenantTransaction(app, work));

  const countAll = async (table: string) => Number((await admin.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

  beforeAll(async () => {
    database = await createTestDatabase('tenancy_rls');
    owner = new DataSource({
      type: 'postgres',
      url: database.url('owner'),
      migrations: [CreateSampleTables1700000000000, SealSampleTables1700000000001],
    });
    await owner.initialize();
    await owner.runMigrations();
    app = new DataSource({ type: 'postgres', url: database.url('app'), entities: [SampleNote, SampleAgent, SampleRecording] });
    await app.initialize();
    admin = new Client({ connectionString: database.url('admin') });
    await admin.connect();
  });

  afterAll(async () => {
    await app?.destroy();
    await owner?.destroy();
    await admin?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    await admin.query('TRUNCATE sample_note, sample_agent, sample_recording');
    // Seeded through the policy itself: each tenant may write its own rows.
    for (const scope of [tenantA, tenantB]) {
      await asTenant(scope, (manager) =>
        manager.insert(SampleNote, [
          { tenantId: scope.tenantId!, body: `${scope.tenantId} first` },
          { tenantId: scope.tenantId!, body: `${scope.tenantId} second` },
        ]),
      );
    }
    for (const scope of [tenantA, otherWorkspace]) {
      await asTenant(scope, (manager) => manager.insert(SampleAgent, { workspaceId: scope.workspaceId, name: `agent of ${scope.workspaceId}` }));
    }
  });

  it('connects the service as a role that neither owns the tables nor bypasses RLS', async () => {
    const rows = await app.query(
      `SELECT r.rolsuper, r.rolbypassrls, c.relowner = r.oid AS owns
         FROM pg_roles r, pg_class c WHERE r.rolname = current_user AND c.relname = 'sample_note'`,
    );

    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false, owns: false }]);
  });

  it("shows a tenant only its own rows, even when asked for another tenant's", async () => {
    const [all, ofB] = await asTenant(tenantA, async (manager) => [
      await manager.find(SampleNote),
      await manager.findBy(SampleNote, { tenantId: tenantB.tenantId }),
    ]);

    expect(all.map((note) => note.tenantId)).toEqual([tenantA.tenantId, tenantA.tenantId]);
    expect(ofB).toEqual([]);
    expect(await countAll('sample_note')).toBe(4);
  });

  it("rejects inserting a row with another tenant's id", async () => {
    const insert = asTenant(tenantA, (manager) => manager.insert(SampleNote, { tenantId: tenantB.tenantId!, body: 'smuggled' }));

    const error = await insert.catch((caught: unknown) => caught);

    expect(postgresCode(error)).toBe(RLS_VIOLATION);
    expect((error as Error).message).toContain('row-level security policy');
    expect(await countAll('sample_note')).toBe(4);
  });

  it("rejects moving an own row to another tenant", async () => {
    const move = asTenant(tenantA, (manager) => manager.update(SampleNote, { tenantId: tenantA.tenantId }, { tenantId: tenantB.tenantId }));

    expect(postgresCode(await move.catch((caught: unknown) => caught))).toBe(RLS_VIOLATION);
  });

  it("updates and deletes none of another tenant's rows", async () => {
    const [updated, deleted] = await asTenant(tenantA, async (manager) => [
      await manager.update(SampleNote, { tenantId: tenantB.tenantId }, { body: 'overwritten' }),
      await manager.delete(SampleNote, { tenantId: tenantB.tenantId }),
    ]);

    expect(updated.affected).toBe(0);
    expect(deleted.affected).toBe(0);
    const { rows } = await admin.query(`SELECT body FROM sample_note WHERE tenant_id = $1 ORDER BY body`, [tenantB.tenantId]);
    expect(rows.map((row) => row.body)).toEqual([`${tenantB.tenantId} first`, `${tenantB.tenantId} second`]);
  });

  it('updates and deletes its own rows', async () => {
    const [updated, deleted] = await asTenant(tenantA, async (manager) => [
      await manager.update(SampleNote, { body: `${tenantA.tenantId} first` }, { body: 'edited' }),
      await manager.delete(SampleNote, { body: `${tenantA.tenantId} second` }),
    ]);

    expect([updated.affected, deleted.affected]).toEqual([1, 1]);
  });

  it('returns nothing when no tenant is set', async () => {
    const withoutTransaction = await app.getRepository(SampleNote).find();
    const workspaceOnly = await TenantContext.run({ workspaceId: tenantA.workspaceId }, () =>
      withTenantTransaction(app, (manager) => manager.find(SampleNote)),
    );
    const rawQuery = await app.query(`SELECT * FROM sample_note`);

    expect(withoutTransaction).toEqual([]);
    expect(workspaceOnly).toEqual([]);
    expect(rawQuery).toEqual([]);
  });

  it('refuses to open a tenant transaction without a tenant context', async () => {
    await expect(withTenantTransaction(app, (manager) => manager.find(SampleNote))).rejects.toThrow('requires a tenant context');
  });

  it('does not carry one transaction’s tenant into the next on a pooled connection', async () => {
    const single = new DataSource({ type: 'postgres', url: database.url('app'), entities: [SampleNote], extra: { max: 1 } });
    await single.initialize();
    try {
      await TenantContext.run(tenantA, () => withTenantTransaction(single, (manager) => manager.find(SampleNote)));

      expect(await single.getRepository(SampleNote).find()).toEqual([]);
    } finally {
      await single.destroy();
    }
  });

  describe('a workspace-scoped table', () => {
    it('shows a workspace only its own rows, with or without a tenant', async () => {
      const withTenant = await asTenant(tenantB, (manager) => manager.find(SampleAgent));
      const workspaceOnly = await asTenant({ workspaceId: otherWorkspace.workspaceId }, (manager) => manager.find(SampleAgent));

      expect(withTenant.map((agent) => agent.workspaceId)).toEqual([tenantA.workspaceId]);
      expect(workspaceOnly.map((agent) => agent.workspaceId)).toEqual([otherWorkspace.workspaceId]);
    });

    it("rejects writing into another workspace and leaves its rows alone", async () => {
      const insert = asTenant(tenantA, (manager) => manager.insert(SampleAgent, { workspaceId: otherWorkspace.workspaceId, name: 'spy' }));
      const deleted = await asTenant(tenantA, (manager) => manager.delete(SampleAgent, { workspaceId: otherWorkspace.workspaceId }));

      expect(postgresCode(await insert.catch((caught: unknown) => caught))).toBe(RLS_VIOLATION);
      expect(deleted.affected).toBe(0);
      expect(await countAll('sample_agent')).toBe(2);
    });

    it('returns nothing without a workspace', async () => {
      expect(await app.getRepository(SampleAgent).find()).toEqual([]);
    });
  });

  describe('a uuid-typed tenant column', () => {
    it('is sealed like a text one', async () => {
      const [a, b] = [{ workspaceId: 'ws', tenantId: randomUUID() }, { workspaceId: 'ws', tenantId: randomUUID() }];
      await asTenant(a, (manager) => manager.insert(SampleRecording, { tenantId: a.tenantId }));

      const seenByA = await asTenant(a, (manager) => manager.find(SampleRecording));
      const seenByB = await asTenant(b, (manager) => manager.find(SampleRecording));
      const smuggled = asTenant(b, (manager) => manager.insert(SampleRecording, { tenantId: a.tenantId }));

      expect(seenByA.map((row) => row.tenantId)).toEqual([a.tenantId]);
      expect(seenByB).toEqual([]);
      expect(postgresCode(await smuggled.catch((caught: unknown) => caught))).toBe(RLS_VIOLATION);
      expect(await app.getRepository(SampleRecording).find()).toEqual([]);
    });

    it('fails closed when a tenant id is not of the column type', async () => {
      const query = asTenant(tenantA, (manager) => manager.find(SampleRecording));

      expect(postgresCode(await query.catch((caught: unknown) => caught))).toBe(INVALID_TEXT_REPRESENTATION);
    });
  });

  it('refuses to seal a table without the scope column', async () => {
    const runner = owner.createQueryRunner();
    try {
      await expect(enableRowLevelSecurity(runner, 'sample_agent', 'tenant_id')).rejects.toThrow('"sample_agent": it has no column tenant_id');
    } finally {
      await runner.release();
    }
  });

  describe("the migration's down", () => {
    const rlsState = async () =>
      (
        await admin.query(
          `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, count(p.policyname)::int AS policies
             FROM pg_class c LEFT JOIN pg_policies p ON p.tablename = c.relname
            WHERE c.relname = ANY($1) GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity ORDER BY c.relname`,
          [SEALED_TABLES.map(([table]) => table)],
        )
      ).rows;

    afterAll(async () => {
      await owner.runMigrations();
    });

    it('removes the policies and RLS, and up seals the tables again', async () => {
      const sealed = await rlsState();
      await owner.undoLastMigration();
      const unsealed = await rlsState();
      const visibleWhenUnsealed = await app.getRepository(SampleNote).count();
      await owner.runMigrations();

      expect(sealed.every((row) => row.relrowsecurity && row.relforcerowsecurity && row.policies === 1)).toBe(true);
      expect(unsealed.every((row) => !row.relrowsecurity && !row.relforcerowsecurity && row.policies === 0)).toBe(true);
      expect(visibleWhenUnsealed).toBe(4);
      expect(await app.getRepository(SampleNote).count()).toBe(0);
      expect(await rlsState()).toEqual(sealed);
    });
  });
});
