import type { TenantScope } from '@contactcenter/tenancy';
import type { Role } from './roles';

/** The authenticated caller, as mapped from a verified access token. */
export interface Principal {
  readonly subject: string;
  readonly username?: string;
  /** The workspace the caller acts in for this request (its organization). */
  readonly workspaceId: string;
  /** Tenants named in the token's `tenants` claim. */
  readonly grantedTenantIds: readonly string[];
  readonly roles: readonly Role[];
  /** True for roles that may act for any tenant they name (platform-admin, service). */
  readonly allTenants: boolean;
}

/** What the guards attach to a call once it is authenticated and authorized. */
export interface AuthContext {
  readonly principal: Principal;
  readonly scope: TenantScope;
}

export function hasAnyRole(principal: Principal, roles: readonly Role[]): boolean {
  return roles.some((role) => principal.roles.includes(role));
}

export function mayActForTenant(principal: Principal, tenantId: string): boolean {
  return principal.allTenants || principal.grantedTenantIds.includes(tenantId);
}
