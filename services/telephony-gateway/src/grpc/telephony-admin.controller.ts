import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { GrpcAuthGuard, RequireRoles, type Role, TenantContextInterceptor } from '@contactcenter/auth';
import { telephonyAdminV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { ManageDirectoryUseCase, type TenantScope } from '../app/manage-directory/manage-directory.use-case';
import { TelephonyError } from '../app/telephony.error';
import type { AgentEndpointRecord } from '../persistence/telephony-directory.repository';
import { mapRpcErrors } from './rpc-error.mapper';

const ADMINS: Role[] = ['tenant-admin', 'platform-admin', 'service'];
const SERVICE = telephonyAdminV1.TELEPHONY_ADMIN_SERVICE_NAME;

function scope(rpc: string): TenantScope {
  const context = TenantContext.require(rpc);
  return { workspaceId: context.workspaceId, tenantId: TenantContext.requireTenantId(rpc) };
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TelephonyError('INVALID_IVR_FLOW', `definition_json is not JSON: ${(error as Error).message}`, [
      { code: 'INVALID_FIELD', path: '', message: 'not JSON' },
    ]);
  }
}

// The HA1 is write-only: an endpoint read back says only which kind it is.
const endpointMessage = (e: AgentEndpointRecord): telephonyAdminV1.AgentEndpoint => ({ agentId: e.agentId, sipUsername: e.sipUsername ?? '', digestHa1: '', sipUri: e.sipUri ?? '' });

/** gRPC TelephonyAdminService for the tenant named in x-tenant-id. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class TelephonyAdminController {
  constructor(@Inject(ManageDirectoryUseCase) private readonly directory: ManageDirectoryUseCase) {}

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'PutIvrFlow')
  putFlow(@Payload() request: telephonyAdminV1.PutIvrFlowRequest): Promise<telephonyAdminV1.PutIvrFlowResponse> {
    return mapRpcErrors(async () => {
      const flow = await this.directory.putFlow(scope('PutIvrFlow'), json(request.definitionJson));
      return { flow: { flowId: flow.id, definitionJson: JSON.stringify(flow) } };
    });
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'ListIvrFlows')
  listFlows(): Promise<telephonyAdminV1.ListIvrFlowsResponse> {
    return mapRpcErrors(async () => ({ flows: (await this.directory.flows(scope('ListIvrFlows'))).map((f) => ({ flowId: f.id, definitionJson: JSON.stringify(f) })) }));
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'DeleteIvrFlow')
  deleteFlow(@Payload() request: telephonyAdminV1.DeleteIvrFlowRequest): Promise<telephonyAdminV1.DeleteIvrFlowResponse> {
    return mapRpcErrors(async () => (await this.directory.deleteFlow(scope('DeleteIvrFlow'), request.flowId), {}));
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'PutDid')
  putDid(@Payload() request: telephonyAdminV1.PutDidRequest): Promise<telephonyAdminV1.PutDidResponse> {
    return mapRpcErrors(async () => {
      const did = await this.directory.putDid(scope('PutDid'), request.did?.number ?? '', request.did?.flowId ?? '');
      return { did: { number: did.e164, flowId: did.flowId } };
    });
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'ListDids')
  listDids(): Promise<telephonyAdminV1.ListDidsResponse> {
    return mapRpcErrors(async () => ({ dids: (await this.directory.dids(scope('ListDids'))).map((d) => ({ number: d.e164, flowId: d.flowId })) }));
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'DeleteDid')
  deleteDid(@Payload() request: telephonyAdminV1.DeleteDidRequest): Promise<telephonyAdminV1.DeleteDidResponse> {
    return mapRpcErrors(async () => (await this.directory.deleteDid(scope('DeleteDid'), request.number), {}));
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'PutAgentEndpoint')
  putEndpoint(@Payload() request: telephonyAdminV1.PutAgentEndpointRequest): Promise<telephonyAdminV1.PutAgentEndpointResponse> {
    return mapRpcErrors(async () => {
      const e = request.endpoint;
      const stored = await this.directory.putEndpoint(scope('PutAgentEndpoint'), {
        agentId: e?.agentId ?? '',
        ...(e?.sipUsername && { sipUsername: e.sipUsername }),
        ...(e?.digestHa1 && { digestHa1: e.digestHa1 }),
        ...(e?.sipUri && { sipUri: e.sipUri }),
      });
      return { endpoint: endpointMessage(stored) };
    });
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'ListAgentEndpoints')
  listEndpoints(): Promise<telephonyAdminV1.ListAgentEndpointsResponse> {
    return mapRpcErrors(async () => ({ endpoints: (await this.directory.endpoints(scope('ListAgentEndpoints'))).map(endpointMessage) }));
  }

  @RequireRoles(...ADMINS)
  @GrpcMethod(SERVICE, 'DeleteAgentEndpoint')
  deleteEndpoint(@Payload() request: telephonyAdminV1.DeleteAgentEndpointRequest): Promise<telephonyAdminV1.DeleteAgentEndpointResponse> {
    return mapRpcErrors(async () => (await this.directory.deleteEndpoint(scope('DeleteAgentEndpoint'), request.agentId), {}));
  }
}
