import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { attachAuthContext, grpcCallOf } from './auth-context';
import { AuthError } from './auth-error';
import { RequestAuthorizer } from './request-authorizer';
import { declaredRequirement } from './require-roles.decorator';

function header(metadata: { get(key: string): unknown[] }, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Authenticates a gRPC call from its metadata (`authorization`, `x-tenant-id`,
 * `x-workspace-id`), checks the declared roles and the tenant grant, and attaches the
 * Principal and TenantScope to the call for TenantContextInterceptor and the handler.
 */
@Injectable()
export class GrpcAuthGuard implements CanActivate {
  constructor(
    private readonly authorizer: RequestAuthorizer,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Fail closed if wired to a transport it does not understand.
    if (context.getType() !== 'rpc') throw new Error(`GrpcAuthGuard cannot guard a ${context.getType()} handler`);
    const requirement = declaredRequirement(this.reflector, context);
    if (requirement === 'public') return true;
    const { metadata } = grpcCallOf(context);
    try {
      const auth = await this.authorizer.authorize(
        {
          authorization: header(metadata, 'authorization'),
          tenantId: header(metadata, 'x-tenant-id'),
          workspaceId: header(metadata, 'x-workspace-id'),
        },
        requirement,
      );
      attachAuthContext(context, auth);
      return true;
    } catch (error) {
      if (error instanceof AuthError) {
        throw new RpcException({ code: error.toGrpcStatus(), message: error.message });
      }
      throw error;
    }
  }
}
