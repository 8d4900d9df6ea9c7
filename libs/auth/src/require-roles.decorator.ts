import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Role } from './roles';

export const REQUIRED_ROLES_KEY = 'contactcenter:auth:roles';
export const PUBLIC_KEY = 'contactcenter:auth:public';
export const WORKSPACE_SCOPED_KEY = 'contactcenter:auth:workspace-scoped';

/** The caller needs at least one of these roles. Without it, any authenticated caller passes. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES_KEY, roles);

/** No token needed (health and readiness endpoints). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * The handler works on workspace data (agents, routing state), so x-tenant-id is optional;
 * when present it is still checked against the caller's grants.
 */
export const WorkspaceScoped = () => SetMetadata(WORKSPACE_SCOPED_KEY, true);

/** The requirement declared on the handler (or its class), or 'public' for @Public(). */
export function declaredRequirement(
  reflector: Reflector,
  context: ExecutionContext,
): 'public' | { roles: Role[]; tenantOptional: boolean } {
  const targets = [context.getHandler(), context.getClass()];
  if (reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return 'public';
  return {
    roles: reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES_KEY, targets) ?? [],
    tenantOptional: reflector.getAllAndOverride<boolean | undefined>(WORKSPACE_SCOPED_KEY, targets) ?? false,
  };
}
