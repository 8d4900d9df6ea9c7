import { demoUsers, type DemoUser } from '@contactcenter/auth';

export interface DemoWorkspace {
  readonly id: string;
  readonly tenants: readonly string[];
}

export interface DemoDirectory {
  readonly workspaces: readonly DemoWorkspace[];
  readonly users: readonly DemoUser[];
}

/**
 * The seeded demo organisation, identical to the Keycloak realm: workspace `acme` (one
 * tenant, `acme`) and the BPO workspace `globalbpo` (tenants `northwind` and `contoso`).
 * No service owns workspaces yet, so the directory is derived from the one list of demo
 * users the development identity provider issues tokens for.
 */
export function demoDirectory(): DemoDirectory {
  const users = demoUsers();
  const tenantsByWorkspace = new Map<string, Set<string>>();
  for (const user of users) {
    if (!user.workspaceId) continue;
    const tenants = tenantsByWorkspace.get(user.workspaceId) ?? new Set<string>();
    user.tenants.forEach((tenant) => tenants.add(tenant));
    tenantsByWorkspace.set(user.workspaceId, tenants);
  }
  return {
    workspaces: [...tenantsByWorkspace].map(([id, tenants]) => ({ id, tenants: [...tenants] })),
    users,
  };
}
