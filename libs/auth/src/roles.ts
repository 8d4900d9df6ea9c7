/** The platform's realm roles, as the identity provider names them in `realm_access.roles`. */
export const ROLES = [
  'platform-admin',
  'tenant-admin',
  'supervisor',
  'team-lead',
  'agent',
  'integration',
  'service',
] as const;

export type Role = (typeof ROLES)[number];

/** Roles that may act for any tenant they name, instead of only those in the `tenants` claim. */
export const ALL_TENANT_ROLES: readonly Role[] = ['platform-admin', 'service'];

const known = new Set<string>(ROLES);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && known.has(value);
}
