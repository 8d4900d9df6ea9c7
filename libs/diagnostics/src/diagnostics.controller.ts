import { Controller, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import {
  CurrentPrincipal,
  GrpcAuthGuard,
  Principal,
  RequireRoles,
  ROLES,
  TenantContextInterceptor,
} from '@contactcenter/auth';
import { platformV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';

/**
 * gRPC DiagnosticsService. Each RPC is its own @GrpcMethod (rather than ts-proto's
 * DiagnosticsServiceControllerMethods, which needs every RPC implemented), so RPCs can be
 * added one at a time; until then grpc-js answers UNIMPLEMENTED.
 */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class DiagnosticsController {
  @RequireRoles(...ROLES)
  @GrpcMethod(platformV1.DIAGNOSTICS_SERVICE_NAME, 'WhoAmI')
  whoAmI(
    @Payload() _request: platformV1.WhoAmIRequest,
    @CurrentPrincipal() principal: Principal,
  ): platformV1.WhoAmIResponse {
    return {
      subject: principal.subject,
      username: principal.username ?? '',
      workspaceId: principal.workspaceId,
      // From the tenant context rather than the metadata: proves the guard's scope reached us.
      tenantId: TenantContext.requireTenantId('WhoAmI'),
      roles: [...principal.roles],
      grantedTenantIds: [...principal.grantedTenantIds],
    };
  }
}
