import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, TenantContextInterceptor, WorkspaceScoped } from '@contactcenter/auth';
import { routingAgentV1 as agent } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { catchError, map, type Observable, throwError } from 'rxjs';
import { AgentWorkUseCase } from '../app/handle-agent-work/agent-work.use-case';
import { AgentCommandRouter } from '../ownership/agent-command.router';
import { workMessage } from './routing-proto.mapper';
import { toRpcError } from './rpc-error.mapper';
import { runOnOwner } from './owner-command';

/** Work commands name the interaction's tenant in x-tenant-id; the guard has checked the grant. */
const tenant = (rpc: string) => TenantContext.requireTenantId(rpc);
/** Login and SetState are workspace-scoped; a tenant, when given, is not needed. */
const anyTenant = () => undefined;

/**
 * gRPC AgentService: the calling agent (token subject) in its token's workspace. Commands run
 * on the instance that owns the workspace (forwarded there when it is another, ADR 0009); the
 * work stream is served here from whichever instance commits.
 */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class AgentController {
  constructor(
    @Inject(AgentWorkUseCase) private readonly work: AgentWorkUseCase,
    @Inject(AgentCommandRouter) private readonly router: AgentCommandRouter,
  ) {}


  @RequireRoles('agent')
  @WorkspaceScoped()
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'Login')
  login(@Payload() request: agent.LoginRequest, @CurrentPrincipal() principal: Principal): Promise<agent.LoginResponse> {
    return runOnOwner(this.router, principal, anyTenant, 'login', request);
  }

  @RequireRoles('agent')
  @WorkspaceScoped()
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'SetState')
  setState(@Payload() request: agent.SetStateRequest, @CurrentPrincipal() principal: Principal): Promise<agent.SetStateResponse> {
    return runOnOwner(this.router, principal, anyTenant, 'setState', request);
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
    return runOnOwner(this.router, principal, () => tenant('AcceptOffer'), 'acceptOffer', request);
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'RejectOffer')
  rejectOffer(@Payload() request: agent.RejectOfferRequest, @CurrentPrincipal() principal: Principal): Promise<agent.RejectOfferResponse> {
    return runOnOwner(this.router, principal, () => tenant('RejectOffer'), 'rejectOffer', request);
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'Complete')
  complete(@Payload() request: agent.CompleteRequest, @CurrentPrincipal() principal: Principal): Promise<agent.CompleteResponse> {
    return runOnOwner(this.router, principal, () => tenant('Complete'), 'complete', request);
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'SubmitWrapUp')
  submitWrapUp(@Payload() request: agent.SubmitWrapUpRequest, @CurrentPrincipal() principal: Principal): Promise<agent.SubmitWrapUpResponse> {
    return runOnOwner(this.router, principal, () => tenant('SubmitWrapUp'), 'submitWrapUp', request);
  }

  @RequireRoles('agent')
  @GrpcMethod(agent.AGENT_SERVICE_NAME, 'Transfer')
  transfer(@Payload() request: agent.TransferRequest, @CurrentPrincipal() principal: Principal): Promise<agent.TransferResponse> {
    return runOnOwner(this.router, principal, () => tenant('Transfer'), 'transfer', request);
  }
}
