import { randomBytes } from 'node:crypto';
import { DEMO, newScope, type TestScope } from './builders';
import { passwordToken } from './keycloak-tokens';
import { stackEndpoints } from './stack-endpoints';

/** Master-realm admin of the local stack (deploy/local/stack.js bootstraps it). */
const ADMIN = { username: 'admin', password: 'admin' };

type Role = (typeof DEMO.roles)[number];

export interface NewUserOptions {
  /** Workspace (= organization alias); created in Keycloak when missing. */
  readonly workspaceId?: string;
  /** Tenants the user is granted (the `tenants` claim). */
  readonly tenants?: readonly string[];
  readonly roles?: readonly Role[];
}

export interface TestUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly workspaceId?: string;
  readonly tenants: readonly string[];
  /** A fresh access token from the real Keycloak (password grant). */
  token(): Promise<string>;
}

async function adminToken(): Promise<string> {
  const response = await fetch(`${stackEndpoints().keycloakUrl}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...ADMIN }),
  });
  if (!response.ok) throw new Error(`Keycloak admin login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T; location?: string }> {
  const response = await fetch(`${stackEndpoints().keycloakUrl}/admin/realms/${DEMO.realm}${path}`, {
    method,
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && response.status !== 409) {
    throw new Error(`Keycloak ${method} ${path} failed: ${response.status} ${text}`);
  }
  return { status: response.status, data: (text ? JSON.parse(text) : undefined) as T, location: response.headers.get('location') ?? undefined };
}

const organizations = new Map<string, Promise<string>>();

/**
 * The Keycloak organization for a workspace, created (alias = workspace id) when missing.
 * Memoised so parallel users of one workspace create it once; a concurrent creation from
 * another Jest worker makes Keycloak answer 500 (unique constraint), so a failed create is
 * settled by looking again.
 */
function ensureOrganization(workspaceId: string): Promise<string> {
  let pending = organizations.get(workspaceId);
  if (!pending) {
    pending = findOrCreateOrganization(workspaceId);
    pending.catch(() => organizations.delete(workspaceId));
    organizations.set(workspaceId, pending);
  }
  return pending;
}

async function findOrCreateOrganization(workspaceId: string): Promise<string> {
  const find = async () =>
    (await admin<{ id: string; alias: string }[]>('GET', `/organizations?search=${encodeURIComponent(workspaceId)}&exact=true`)).data.find(
      (org) => org.alias === workspaceId,
    )?.id;
  let failure: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const existing = await find();
    if (existing) return existing;
    try {
      await admin('POST', '/organizations', {
        name: workspaceId,
        alias: workspaceId,
        enabled: true,
        domains: [{ name: `${workspaceId}.test` }],
      });
    } catch (error) {
      failure = error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
  throw failure ?? new Error(`organization ${workspaceId} was not created`);
}

/**
 * A workspace with one tenant that no other test uses (ids only: no service owns tenants yet;
 * its organization appears in Keycloak when the first user joins it).
 */
export function newTenant(overrides: Partial<TestScope> = {}): TestScope {
  return newScope(overrides);
}

/**
 * A real Keycloak user of the contact-center realm with the given workspace, tenant grants and
 * roles, whose tokens carry exactly those claims. Default: an agent of a new tenant.
 */
export async function newUser(options: NewUserOptions = {}): Promise<TestUser> {
  const scope = options.workspaceId ? undefined : newTenant();
  const workspaceId = options.workspaceId ?? scope?.workspaceId;
  const tenants = options.tenants ?? (scope ? [scope.tenantId] : []);
  const roles = options.roles ?? ['agent'];
  const username = `u-${randomBytes(6).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');

  const created = await admin('POST', '/users', {
    username,
    enabled: true,
    email: `${username}@example.test`,
    emailVerified: true,
    firstName: 'Test',
    lastName: username,
    attributes: { tenants: [...tenants] },
    credentials: [{ type: 'password', value: password, temporary: false }],
  });
  const id = created.location?.split('/').pop();
  if (!id) throw new Error(`Keycloak did not return the id of user ${username}`);

  const realmRoles = await Promise.all(roles.map(async (role) => (await admin<object>('GET', `/roles/${role}`)).data));
  await admin('POST', `/users/${id}/role-mappings/realm`, realmRoles);
  // Keycloak gives every new user the realm's default roles; the demo users have none either.
  const defaults = (await admin<object>('GET', `/roles/default-roles-${DEMO.realm}`)).data;
  await admin('DELETE', `/users/${id}/role-mappings/realm`, [defaults]);
  if (workspaceId) {
    const organizationId = await ensureOrganization(workspaceId);
    await admin('POST', `/organizations/${organizationId}/members`, id);
  }

  return { id, username, password, workspaceId, tenants, token: () => passwordToken(username, { password }) };
}

export interface TestServiceClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The service account's user id (the token's subject). */
  readonly userId: string;
}

/**
 * A confidential Keycloak client of the realm with a service account (client-credentials
 * grant) holding the given realm roles, its tokens for the platform's audience, like cc-service.
 */
export async function newServiceClient(roles: readonly Role[] = ['service']): Promise<TestServiceClient> {
  const clientId = `svc-${randomBytes(6).toString('hex')}`;
  const clientSecret = randomBytes(18).toString('base64url');
  const created = await admin('POST', '/clients', {
    clientId,
    enabled: true,
    protocol: 'openid-connect',
    publicClient: false,
    clientAuthenticatorType: 'client-secret',
    secret: clientSecret,
    standardFlowEnabled: false,
    directAccessGrantsEnabled: false,
    serviceAccountsEnabled: true,
    protocolMappers: [
      {
        name: 'audience',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-audience-mapper',
        config: { 'included.custom.audience': DEMO.audience, 'access.token.claim': 'true', 'id.token.claim': 'false' },
      },
    ],
  });
  const id = created.location?.split('/').pop();
  if (!id) throw new Error(`Keycloak did not return the id of client ${clientId}`);
  const account = (await admin<{ id: string }>('GET', `/clients/${id}/service-account-user`)).data;
  const realmRoles = await Promise.all(roles.map(async (role) => (await admin<object>('GET', `/roles/${role}`)).data));
  await admin('POST', `/users/${account.id}/role-mappings/realm`, realmRoles);
  return { clientId, clientSecret, userId: account.id };
}
