import { Injectable } from '@nestjs/common';
import { AuthError } from './auth-error';
import { mapClaimsToPrincipal } from './claims-mapper';
import { JwtVerifier } from './jwt-verifier';
import { AuthContext, hasAnyRole, mayActForTenant } from './principal';
import type { Role } from './roles';

/** What a request carries, whatever the transport. */
export interface AuthRequest {
  readonly authorization?: string;
  /** x-tenant-id: the tenant the caller acts for. */
  readonly tenantId?: string;
  /** x-workspace-id: needed when the token names several organizations, or none. */
  readonly workspaceId?: string;
}

export interface AuthRequirement {
  /** At least one of these; empty or absent means any authenticated caller. */
  readonly roles?: readonly Role[];
  /** Workspace-level handlers do not need a tenant. */
  readonly tenantOptional?: boolean;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  if (!authorization?.trim()) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match) throw AuthError.unauthenticated('token-malformed', 'authorization is not "Bearer <token>"');
  return match[1];
}

/** The transport-neutral core of both guards: authenticate, check roles, check the tenant grant. */
@Injectable()
export class RequestAuthorizer {
  constructor(private readonly verifier: JwtVerifier) {}

  async authorize(request: AuthRequest, requirement: AuthRequirement = {}): Promise<AuthContext> {
    const payload = await this.verifier.verify(bearerToken(request.authorization));
    const principal = mapClaimsToPrincipal(payload, request.workspaceId?.trim() || undefined);
    const caller = principal.username ?? principal.subject;

    const roles = requirement.roles ?? [];
    if (roles.length > 0 && !hasAnyRole(principal, roles)) {
      throw AuthError.permissionDenied(
        'role-missing',
        `${caller} needs one of the roles ${roles.join(', ')} and has ${principal.roles.join(', ') || 'none'}`,
      );
    }

    const tenantId = request.tenantId?.trim();
    if (!tenantId) {
      if (requirement.tenantOptional) return { principal, scope: { workspaceId: principal.workspaceId } };
      throw AuthError.invalidArgument('tenant-header-missing', 'the x-tenant-id header must name the tenant to act for');
    }
    if (!mayActForTenant(principal, tenantId)) {
      throw AuthError.permissionDenied('tenant-not-granted', `${caller} is not granted tenant ${tenantId}`);
    }
    return { principal, scope: { workspaceId: principal.workspaceId, tenantId } };
  }
}
