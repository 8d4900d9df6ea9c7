import type { JWTPayload } from 'jose';
import { AuthError } from './auth-error';
import type { Principal } from './principal';
import { ALL_TENANT_ROLES, isRole, Role } from './roles';

/**
 * Workspace ids from the Keycloak Organizations claim. Keycloak emits either a list of aliases
 * (`["globalbpo"]`) or, with "add organization id", an object keyed by alias.
 */
export function organizationAliases(claim: unknown): string[] {
  if (claim === undefined || claim === null) return [];
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim) && claim.every((alias) => typeof alias === 'string')) return claim;
  if (typeof claim === 'object' && !Array.isArray(claim)) return Object.keys(claim);
  throw AuthError.unauthenticated('invalid-claims', 'organization claim is neither a list of aliases nor a map');
}

function tenantIds(claim: unknown): string[] {
  if (claim === undefined || claim === null) return [];
  // A single-valued attribute mapper emits a bare string.
  if (typeof claim === 'string') return [claim];
  if (Array.isArray(claim) && claim.every((id) => typeof id === 'string')) return claim;
  throw AuthError.unauthenticated('invalid-claims', 'tenants claim is not a list of tenant ids');
}

function realmRoles(payload: JWTPayload): Role[] {
  const access = payload['realm_access'];
  const roles = typeof access === 'object' && access !== null ? (access as { roles?: unknown }).roles : undefined;
  return Array.isArray(roles) ? roles.filter(isRole) : [];
}

function chooseWorkspace(organizations: string[], requested: string | undefined, allTenants: boolean): string {
  if (requested) {
    if (organizations.includes(requested) || allTenants) return requested;
    throw AuthError.permissionDenied('workspace-not-granted', `caller is not a member of workspace ${requested}`);
  }
  if (organizations.length === 1) return organizations[0];
  if (organizations.length > 1) {
    throw AuthError.invalidArgument(
      'workspace-header-required',
      `token names several organizations (${organizations.join(', ')}); name one in x-workspace-id`,
    );
  }
  if (allTenants) {
    throw AuthError.invalidArgument(
      'workspace-header-required',
      'token names no organization; a platform-admin or service caller names the workspace in x-workspace-id',
    );
  }
  throw AuthError.permissionDenied('no-workspace', 'token names no organization, so the caller belongs to no workspace');
}

/**
 * Maps a verified access token to the caller (ADR 0006): the workspace is the caller's single
 * Keycloak organization (or the one named in x-workspace-id), roles are the known realm roles,
 * tenant grants come from the `tenants` claim; platform-admin and service act for any tenant.
 */
export function mapClaimsToPrincipal(payload: JWTPayload, requestedWorkspaceId?: string): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw AuthError.unauthenticated('invalid-claims', 'token has no subject');
  }
  if (payload['typ'] !== undefined && payload['typ'] !== 'Bearer') {
    throw AuthError.unauthenticated('invalid-claims', `token type ${String(payload['typ'])} is not an access token`);
  }
  const roles = realmRoles(payload);
  const allTenants = roles.some((role) => ALL_TENANT_ROLES.includes(role));
  const username = payload['preferred_username'];
  return Object.freeze({
    subject: payload.sub,
    username: typeof username === 'string' ? username : undefined,
    workspaceId: chooseWorkspace(organizationAliases(payload['organization']), requestedWorkspaceId, allTenants),
    grantedTenantIds: Object.freeze(tenantIds(payload['tenants'])),
    roles: Object.freeze(roles),
    allTenants,
  });
}
