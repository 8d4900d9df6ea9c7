import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { stackEndpoints } from './stack-endpoints';

export type TestDatabaseRole = 'owner' | 'app' | 'relay' | 'admin';

/**
 * Cluster roles shared by all test databases, mirroring production: the owner runs migrations
 * and owns the tables; services and the outbox relay connect as roles that own nothing, so
 * FORCE'd row-level security applies to them. None may bypass RLS.
 */
export const TEST_DB_ROLES = { owner: 'cc_owner', app: 'cc_app', relay: 'cc_relay' } as const;

/** Trust auth needs none, but a password keeps the URLs working under md5/scram auth too. */
export const TEST_DB_PASSWORD = 'cc';

export interface TestDatabase {
  readonly name: string;
  /** Connection URL for the database as the given role (`admin` = the stack's superuser). */
  url(role: TestDatabaseRole): string;
  drop(): Promise<void>;
}

const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505';
const rolesReady = new Map<string, Promise<void>>();

async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function isDuplicate(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === DUPLICATE_OBJECT || code === UNIQUE_VIOLATION;
}

// Parallel Jest workers race here: a concurrent CREATE ROLE fails with duplicate_object or,
// when both pass the catalog check, a unique violation; either way the role now exists.
async function ensureRoles(admin: Client): Promise<void> {
  for (const role of Object.values(TEST_DB_ROLES)) {
    const { rows } = await admin.query<{ ok: boolean }>(
      `select rolcanlogin and not rolsuper and not rolbypassrls as ok from pg_roles where rolname = $1`,
      [role],
    );
    if (rows[0]?.ok) continue;
    const attributes = `login nosuperuser nobypassrls nocreatedb nocreaterole password '${TEST_DB_PASSWORD}'`;
    if (rows.length === 0) {
      try {
        await admin.query(`create role ${role} ${attributes}`);
      } catch (err) {
        if (!isDuplicate(err)) throw err;
      }
      continue;
    }
    // Exists with other attributes (created by hand, say): enforce the ones tests rely on.
    await admin.query(`alter role ${role} ${attributes}`);
  }
}

function databaseName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
  return `cc_t_${clean}_${randomBytes(5).toString('hex')}`;
}

function roleUrl(adminUrl: string, database: string, role: TestDatabaseRole): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (role !== 'admin') {
    url.username = TEST_DB_ROLES[role];
    url.password = TEST_DB_PASSWORD;
  }
  return url.toString();
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
    ready = withAdmin(adminUrl, ensureRoles);
    rolesReady.set(adminUrl, ready);
    ready.catch(() => rolesReady.delete(adminUrl));
  }
  await ready;

  const name = databaseName(prefix);
  const { owner, app, relay } = TEST_DB_ROLES;
  // template0: nobody ever connects to it, so parallel creates never trip over each other.
  await withAdmin(adminUrl, (admin) => admin.query(`create database ${name} owner ${owner} template template0`));
  await withAdmin(roleUrl(adminUrl, name, 'admin'), async (admin) => {
    await admin.query(`grant connect, temporary on database ${name} to ${app}, ${relay}`);
    // Without IN SCHEMA these cover every schema the owner creates, not only public.
    for (const statement of [
      `grant usage on schemas to ${app}, ${relay}`,
      `grant select, insert, update, delete on tables to ${app}, ${relay}`,
      `grant usage, select on sequences to ${app}, ${relay}`,
    ]) {
      await admin.query(`alter default privileges for role ${owner} ${statement}`);
    }
  });

  return {
    name,
    url: (role: TestDatabaseRole) => roleUrl(adminUrl, name, role),
    drop: () => withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
