import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, type Principal, RequireRoles, TenantContextInterceptor } from '@contactcenter/auth';
import { reportingV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { catchError, defer, type Observable, switchMap, throwError } from 'rxjs';
import { RealtimeHub } from '../app/realtime/realtime-hub';
import { TeamScopeUseCase } from '../app/team-scope/team-scope.use-case';
import type { ContactChannel } from '../domain/kpi/contact-facts';
import type { AgentSnapshot, QueueSnapshot } from '../domain/realtime/realtime-tenant-view';
import { ACTIVITY_PROTO, CHANNEL_PROTO, isTeamScoped, TENANT_WIDE, timestampOf, visibleAgentIds } from './reporting-proto.mapper';
import { toRpcError } from './rpc-error.mapper';

const optional = (value: number | null) => (value === null ? undefined : value);

function queueMessage(q: QueueSnapshot): reportingV1.QueueRealtime {
  return {
    queueId: q.queueId,
    contactsInQueue: q.contactsInQueue,
    oldestContactAgeMs: q.oldestContactAgeMs,
    agentsStaffed: q.agentsStaffed,
    agentsAvailable: q.agentsAvailable,
    agentsOnContact: q.agentsOnContact,
    agentsAfterContactWork: q.agentsAfterContactWork,
    agentsAway: q.agentsAway,
    agentsAwayByReason: [...q.agentsAwayByReason],
    contactsOffered: q.offered,
    contactsAnswered: q.today.answered,
    contactsHandledIn: q.today.handled,
    contactsAbandoned: q.today.abandoned,
    serviceLevel: optional(q.serviceLevel),
    asaMs: optional(q.asaMs),
  };
}

function agentMessage(a: AgentSnapshot): reportingV1.AgentRealtime {
  return {
    agentId: a.agentId,
    activity: ACTIVITY_PROTO[a.activity],
    reason: a.reason,
    timeInStateMs: a.timeInStateMs,
    contacts: (Object.entries(a.contactsByChannel) as [ContactChannel, number][]).map(([channel, contacts]) => ({ channel: CHANNEL_PROTO[channel], contacts })),
    occupancy: optional(a.occupancy),
  };
}

/** gRPC RealtimeMetricsService: live queue and agent views of the tenant in x-tenant-id. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class RealtimeMetricsController {
  constructor(
    @Inject(RealtimeHub) private readonly hub: RealtimeHub,
    @Inject(TeamScopeUseCase) private readonly teams: TeamScopeUseCase,
  ) {}

  @RequireRoles(...TENANT_WIDE)
  @GrpcMethod(reportingV1.REALTIME_METRICS_SERVICE_NAME, 'StreamQueueMetrics')
  streamQueueMetrics(@Payload() request: reportingV1.StreamQueueMetricsRequest): Observable<reportingV1.StreamQueueMetricsResponse> {
    const tenantId = TenantContext.requireTenantId('StreamQueueMetrics');
    const queueIds = request.queueIds ?? [];
    return this.hub
      .watch(tenantId, (view, now) => ({ asOf: timestampOf(now), queues: view.queueSnapshots(now, queueIds).map(queueMessage) }))
      .pipe(catchError((error) => throwError(() => toRpcError(error))));
  }

  @RequireRoles(...TENANT_WIDE, 'agent')
  @GrpcMethod(reportingV1.REALTIME_METRICS_SERVICE_NAME, 'StreamAgentMetrics')
  streamAgentMetrics(@Payload() request: reportingV1.StreamAgentMetricsRequest, @CurrentPrincipal() principal: Principal): Observable<reportingV1.StreamAgentMetricsResponse> {
    const tenantId = TenantContext.requireTenantId('StreamAgentMetrics');
    // A team lead's team is read when the stream starts.
    return defer(async () => visibleAgentIds(principal, request.agentIds ?? [], isTeamScoped(principal) ? await this.teams.agentsOf(tenantId, principal.subject) : undefined)).pipe(
      switchMap((agentIds) => this.hub.watch(tenantId, (view, now) => ({ asOf: timestampOf(now), agents: view.agentSnapshots(now, agentIds).map(agentMessage) }))),
      catchError((error) => throwError(() => toRpcError(error))),
    );
  }
}
