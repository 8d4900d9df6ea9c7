import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, TenantContextInterceptor, WorkspaceScoped } from '@contactcenter/auth';
import { routingAgentV1 as agent } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { catchError, map, type Observable, throwError } from 'rxjs';
import { type AgentCaller, AgentWorkUseCase, type PresenceChange } from '../app/handle-agent-work/agent-work.use-case';
import { RoutingConfigError } from '../app/routing-config.error';
import { assignmentMessage, channelOf, statusMessage, workMessage } from './routing-proto.mapper';
import { mapRpcErrors, toRpcError } from './rpc-error.mapper';

const callerOf = (principal: Principal): AgentCaller => ({
  workspaceId: principal.workspaceId,
  agentId: principal.subject,
  allTenants: principal.allTenants,
  grantedTenantIds: principal.grantedTenantIds,
});
/** Work commands name the interaction's tenant in x-tenant-id; the guard has checked the grant. */
const tenant = (rpc: string) => TenantContext.requireTenantId(rpc);
const required = (name: string, value: string | undefined) => {
  if (!value) throw new RoutingConfigError('CONFIG_INVALID', `${name} is required`);
  return value;
};

function presenceOf(request: agent.SetStateRequest): PresenceChange {
  switch (request.presence) {
    case agent.AgentPresence.AGENT_PRESENCE_AVAILABLE:
      return { state: 'available' };
    case agent.AgentPresence.AGENT_PRESENCE_AWAY:
      return { state: 'away', reasonCode: request.reasonCode ?? '' };
    case agent.AgentPresence.AGENT_PRESENCE_OFFLINE:
      return { state: 'offline' };
    default:
      throw new RoutingConfigError('CONFIG_INVALID', 'presence is required');
  }
}

/** gRPC AgentService: the calling agent (token subject) in its token's workspace; time is read by the runtime. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class AgentController {
  constructor(@Inject(AgentWorkUseCase) private readonly work: AgentWorkUseCase) {}

  @RequireRoles('agent')
  @WorkspaceScoped()
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'Login')
  login(@Payload() request: agent.LoginRequest, @CurrentPrincipal() principal: Principal): Promise<agent.LoginResponse> {
    return mapRpcErrors(async () => ({
      status: statusMessage(await this.work.login(callerOf(principal), request.tenantIds ?? [], (request.channels ?? []).map(channelOf))),
    }));
  }

  @RequireRoles('agent')
  @WorkspaceScoped()
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'SetState')
  setState(@Payload() request: agent.SetStateRequest, @CurrentPrincipal() principal: Principal): Promise<agent.SetStateResponse> {
    return mapRpcErrors(async () => ({ status: statusMessage(await this.work.setState(callerOf(principal), presenceOf(request))) }));
  }

  @RequireRoles('agent')
  @WorkspaceScoped()
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'StreamWork')
  streamWork(_request: agent.StreamWorkRequest, @CurrentPrincipal() principal: Principal): Observable<agent.StreamWorkResponse> {
    return this.work.streamWork(principal.workspaceId, principal.subject).pipe(
      map(workMessage),
      catchError((error) => throwError(() => toRpcError(error))),
    );
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'AcceptOffer')
  acceptOffer(@Payload() request: agent.AcceptOfferRequest, @CurrentPrincipal() principal: Principal): Promise<agent.AcceptOfferResponse> {
    return mapRpcErrors(async () => ({
      assignment: assignmentMessage(await this.work.accept(callerOf(principal), tenant('AcceptOffer'), required('offer_id', request.offerId))),
    }));
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'RejectOffer')
  rejectOffer(@Payload() request: agent.RejectOfferRequest, @CurrentPrincipal() principal: Principal): Promise<agent.RejectOfferResponse> {
    return mapRpcErrors(async () => {
      await this.work.reject(callerOf(principal), tenant('RejectOffer'), required('offer_id', request.offerId));
      return {};
    });
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'Complete')
  complete(@Payload() request: agent.CompleteRequest, @CurrentPrincipal() principal: Principal): Promise<agent.CompleteResponse> {
    return mapRpcErrors(async () => ({
      wrapUpRequired: await this.work.complete(callerOf(principal), tenant('Complete'), required('interaction_id', request.interactionId)),
    }));
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'SubmitWrapUp')
  submitWrapUp(@Payload() request: agent.SubmitWrapUpRequest, @CurrentPrincipal() principal: Principal): Promise<agent.SubmitWrapUpResponse> {
    return mapRpcErrors(async () => {
      await this.work.submitWrapUp(callerOf(principal), tenant('SubmitWrapUp'), required('interaction_id', request.interactionId), request.disposition ?? '', request.notes ?? '');
      return {};
    });
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'Transfer')
  transfer(@Payload() request: agent.TransferRequest, @CurrentPrincipal() principal: Principal): Promise<agent.TransferResponse> {
    return mapRpcErrors(async () => {
      const to = request.queueId ? { queueId: request.queueId } : { agentId: required('queue_id or agent_id', request.agentId) };
      await this.work.transfer(callerOf(principal), tenant('Transfer'), required('interaction_id', request.interactionId), to);
      return {};
    });
  }
}
