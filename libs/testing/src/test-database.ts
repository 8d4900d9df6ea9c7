import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { ensureServiceRoles, provisionServiceDatabase, SERVICE_DB_ROLES, serviceDbUrl } from '@contactcenter/tenancy';
import { stackEndpoints } from './stack-endpoints';

export type TestDatabaseRole = 'owner' | 'app' | 'relay' | 'admin';

/**
 * Cluster roles shared by all test databases, mirroring production: the owner runs migrations
 * and owns the tables; services and the outbox relay connect as roles that own nothing, so
 * FORCE'd row-level security applies to them. None may bypass RLS.
 */
export const TEST_DB_ROLES = SERVICE_DB_ROLES;

/** Trust auth needs none, but a password keeps the URLs working under md5/scram auth too. */
export const TEST_DB_PASSWORD = 'cc';

export interface TestDatabase {
  readonly name: string;
  /** Connection URL for the database as the given role (`admin` = the stack's superuser). */
  url(role: TestDatabaseRole): string;
  drop(): Promise<void>;
}

const rolesReady = new Map<string, Promise<void>>();

function databaseName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
  return `cc_t_${clean}_${randomBytes(5).toString('hex')}`;
}

/**
 * A fresh, uniquely named database owned by `cc_owner`, in which tables the owner creates
 * later are readable and writable by `cc_app` and `cc_relay` (default privileges), so
 * migrations run as the owner and the code under test connects as the app role.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const adminUrl = stackEndpoints().pgAdminUrl;
  let ready = rolesReady.get(adminUrl);
  if (!ready) {
    ready = ensureServiceRoles(adminUrl, TEST_DB_PASSWORD);
    rolesReady.set(adminUrl, ready);
    ready.catch(() => rolesReady.delete(adminUrl));
  }
  await ready;

  const name = databaseName(prefix);
  await provisionServiceDatabase(adminUrl, name);

  return {
    name,
    url: (role: TestDatabaseRole) => serviceDbUrl(adminUrl, name, role, TEST_DB_PASSWORD),
    drop: async () => {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * What a service does at start, for a test database: its migrations run as the owner, then it
 * connects as the service role (so row-level security applies to everything the test does).
 */
export async function migrateAndConnect(db: TestDatabase, migrations: readonly (new () => MigrationInterface)[]): Promise<DataSource> {
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: [...migrations] });
  await owner.initialize();
  try {
    await owner.runMigrations();
  } finally {
    await owner.destroy();
  }
  return new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
}
