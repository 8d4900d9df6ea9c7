import { status } from '@grpc/grpc-js';
import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload, RpcException } from '@nestjs/microservices';
import {
  CurrentPrincipal,
  GrpcAuthGuard,
  Principal,
  RequireRoles,
  ROLES,
  TenantContextInterceptor,
} from '@contactcenter/auth';
import { Events, platformV1, toTimestamp } from '@contactcenter/contracts';
import { OutboxWriter } from '@contactcenter/messaging';
import { TenantContext, withTenantTransaction } from '@contactcenter/tenancy';
import { DIAGNOSTICS_OPTIONS, type DiagnosticsOptions } from './diagnostics-options';

/** Longer pings are refused: the event is a probe, not a message channel. */
export const MAX_PING_MESSAGE_LENGTH = 1024;

/**
 * gRPC DiagnosticsService. Each RPC is its own @GrpcMethod (rather than ts-proto's
 * DiagnosticsServiceControllerMethods, which needs every RPC implemented), so RPCs can be
 * added one at a time; until then grpc-js answers UNIMPLEMENTED.
 */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class DiagnosticsController {
  private readonly outbox = new OutboxWriter();

  constructor(@Inject(DIAGNOSTICS_OPTIONS) private readonly options: DiagnosticsOptions) {}

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

  /** Writes a PingEmitted event through the outbox, so a caller can watch it reach the bus. */
  @RequireRoles(...ROLES)
  @GrpcMethod(platformV1.DIAGNOSTICS_SERVICE_NAME, 'Ping')
  async ping(@Payload() request: platformV1.PingRequest): Promise<platformV1.PingResponse> {
    const dataSource = this.options.dataSource;
    if (!dataSource) {
      throw new RpcException({ code: status.UNIMPLEMENTED, message: 'ping-unavailable: this host has no outbox' });
    }
    if (request.message.length > MAX_PING_MESSAGE_LENGTH) {
      throw new RpcException({
        code: status.INVALID_ARGUMENT,
        message: `message-too-long: at most ${MAX_PING_MESSAGE_LENGTH} characters`,
      });
    }
    const tenantId = TenantContext.requireTenantId('Ping');
    const [eventId] = await withTenantTransaction(dataSource, (manager) =>
      this.outbox.append(manager, [
        {
          definition: Events.PingEmitted,
          payload: { tenantId, message: request.message, emittedAt: toTimestamp(new Date()) },
        },
      ]),
    );
    return { eventId };
  }
}
