import { randomBytes } from 'node:crypto';

const shortId = () => randomBytes(6).toString('hex');

/** A tenant id no other test uses (lower-case slug, like the demo tenants). */
export function newTenantId(): string {
  return `t-${shortId()}`;
}

/** A workspace id no other test uses (lower-case slug, valid as a Keycloak organization alias). */
export function newWorkspaceId(): string {
  return `ws-${shortId()}`;
}

export interface TestScope {
  readonly workspaceId: string;
  readonly tenantId: string;
}

export function newScope(overrides: Partial<TestScope> = {}): TestScope {
  return { workspaceId: newWorkspaceId(), tenantId: newTenantId(), ...overrides };
}

type DemoRole = 'platform-admin' | 'tenant-admin' | 'supervisor' | 'team-lead' | 'agent';

interface DemoUser {
  readonly role: DemoRole;
  /** Organization alias = workspace id; absent for the platform admin. */
  readonly organization?: string;
  readonly tenants: readonly string[];
}

const acme = (role: DemoRole): DemoUser => ({ role, organization: 'acme', tenants: ['acme'] });
const bpo = (role: DemoRole, tenants: readonly string[] = ['northwind', 'contoso']): DemoUser => ({
  role,
  organization: 'globalbpo',
  tenants,
});

/** The demo realm in deploy/keycloak/contact-center-realm.json, for tests that log in to it. */
export const DEMO = {
  realm: 'contact-center',
  password: 'demo',
  audience: 'contact-center-api',
  roles: ['platform-admin', 'tenant-admin', 'supervisor', 'team-lead', 'agent', 'integration', 'service'],
  clients: {
    cli: 'contact-center-cli',
    /** Access tokens live 2 seconds, for expiry tests. */
    short: 'contact-center-short',
    service: { clientId: 'cc-service', secret: 'cc-service-secret', role: 'service' },
  },
  organizations: {
    acme: { alias: 'acme', kind: 'enterprise', tenants: ['acme'] },
    globalbpo: { alias: 'globalbpo', kind: 'bpo', tenants: ['northwind', 'contoso'] },
  },
  users: {
    'acme-admin': acme('tenant-admin'),
    'acme-supervisor': acme('supervisor'),
    'acme-agent': acme('agent'),
    'bpo-agent-north': bpo('agent', ['northwind']),
    'bpo-agent-contoso': bpo('agent', ['contoso']),
    'bpo-agent-both': bpo('agent'),
    'bpo-supervisor': bpo('supervisor'),
    'bpo-lead': bpo('team-lead'),
    'bpo-admin': bpo('tenant-admin'),
    'platform-admin': { role: 'platform-admin', tenants: [] } as DemoUser,
  },
} as const;

export type DemoUsername = keyof typeof DEMO.users;
