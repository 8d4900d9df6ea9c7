import { Client } from 'pg';

/**
 * The three roles every service database uses (ADR 0004): the owner runs migrations and owns
 * the tables; the service and the outbox relay connect as roles that own nothing, so forced
 * row-level security applies to them. None may bypass RLS.
 */
export const SERVICE_DB_ROLES = { owner: 'cc_owner', app: 'cc_app', relay: 'cc_relay' } as const;
export type ServiceDbRole = keyof typeof SERVICE_DB_ROLES;

const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505';
const identifier = /^[a-z_][a-z0-9_]*$/;

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
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

/**
 * Creates (or corrects) the cluster-wide roles. Safe to race: a concurrent CREATE ROLE fails
 * with duplicate_object or, when both pass the catalog check, a unique violation; either way
 * the role now exists.
 */
export async function ensureServiceRoles(adminUrl: string, password: string): Promise<void> {
  if (password.includes("'")) throw new Error('role password must not contain a quote');
  await withClient(adminUrl, async (admin) => {
    for (const role of Object.values(SERVICE_DB_ROLES)) {
      const { rows } = await admin.query<{ ok: boolean }>(
        `select rolcanlogin and not rolsuper and not rolbypassrls as ok from pg_roles where rolname = $1`,
        [role],
      );
      if (rows[0]?.ok) continue;
      const attributes = `login nosuperuser nobypassrls nocreatedb nocreaterole password '${password}'`;
      if (rows.length === 0) {
        try {
          await admin.query(`create role ${role} ${attributes}`);
        } catch (err) {
          if (!isDuplicate(err)) throw err;
        }
        continue;
      }
      // Exists with other attributes (created by hand, say): enforce the ones we rely on.
      await admin.query(`alter role ${role} ${attributes}`);
    }
  });
}

/**
 * Makes `database` (created when missing) a service database: owned by the owner role, with
 * default privileges so tables the owner creates later are usable by the app and relay roles.
 */
export async function provisionServiceDatabase(adminUrl: string, database: string): Promise<void> {
  if (!identifier.test(database)) throw new Error(`invalid database name: ${database}`);
  const { owner, app, relay } = SERVICE_DB_ROLES;
  await withClient(adminUrl, async (admin) => {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database]);
    // template0: nobody ever connects to it, so parallel creates never trip over each other.
    if (!rowCount) await admin.query(`create database ${database} owner ${owner} template template0`);
    else await admin.query(`alter database ${database} owner to ${owner}`);
  });
  await withClient(serviceDbUrl(adminUrl, database, 'admin'), async (admin) => {
    await admin.query(`grant connect, temporary on database ${database} to ${app}, ${relay}`);
    // PG 15 gives the public schema to the database owner only if created so; make it explicit.
    await admin.query(`alter schema public owner to ${owner}`);
    // Without IN SCHEMA these cover every schema the owner creates, not only public.
    for (const statement of [
      `grant usage on schemas to ${app}, ${relay}`,
      `grant select, insert, update, delete on tables to ${app}, ${relay}`,
      `grant usage, select on sequences to ${app}, ${relay}`,
    ]) {
      await admin.query(`alter default privileges for role ${owner} ${statement}`);
    }
    await admin.query(`grant usage on schema public to ${app}, ${relay}`);
  });
}

/** Connection URL of `database` as one of the service roles, or as the admin of `adminUrl`. */
export function serviceDbUrl(adminUrl: string, database: string, role: ServiceDbRole | 'admin', password?: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (role !== 'admin') {
    url.username = SERVICE_DB_ROLES[role];
    url.password = password ?? '';
  }
  return url.toString();
}
