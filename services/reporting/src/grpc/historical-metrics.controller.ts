import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Controller, createParamDecorator, type ExecutionContext, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, hasAnyRole, type Principal, RequireRoles, ROLES, TenantContextInterceptor } from '@contactcenter/auth';
import { reportingV1 } from '@contactcenter/contracts';
import { catchError, defer, from, type Observable, throwError } from 'rxjs';
import { GetAgentTimelineUseCase } from '../app/agent-timeline/get-agent-timeline.use-case';
import { TeamScopeUseCase } from '../app/team-scope/team-scope.use-case';
import { type ExportKind, ExportCsvUseCase } from '../app/export-csv/export-csv.use-case';
import { TenantContext } from '@contactcenter/tenancy';
import { GetMetricsUseCase, type MetricsGranularity, type MetricsQuery, type MetricsRowResult, type MetricsViewer } from '../app/get-metrics/get-metrics.use-case';
import { MetricsQueryError } from '../app/get-metrics/metrics-query.error';
import type { MetricsDimension } from '../persistence/interval-aggregate.repository';
import { ACTIVITY_PROTO, isTeamScoped, millisOf, TENANT_WIDE, timestampOf, visibleAgentIds } from './reporting-proto.mapper';
import { mapRpcErrors, toRpcError } from './rpc-error.mapper';
import { CONTACT_CHANNELS } from '../domain/kpi/contact-facts';
import { PROTO_CHANNELS } from '../proto-channel.mapper';


const GRANULARITIES: Readonly<Record<number, MetricsGranularity>> = {
  [reportingV1.Granularity.GRANULARITY_INTERVAL]: 'interval',
  [reportingV1.Granularity.GRANULARITY_HOUR]: 'hour',
  [reportingV1.Granularity.GRANULARITY_DAY]: 'day',
  [reportingV1.Granularity.GRANULARITY_WEEK]: 'week',
  [reportingV1.Granularity.GRANULARITY_MONTH]: 'month',
};

const DIMENSIONS: Readonly<Record<number, MetricsDimension>> = {
  [reportingV1.GroupBy.GROUP_BY_TENANT]: 'tenant',
  [reportingV1.GroupBy.GROUP_BY_QUEUE]: 'queue',
  [reportingV1.GroupBy.GROUP_BY_AGENT]: 'agent',
  [reportingV1.GroupBy.GROUP_BY_CHANNEL]: 'channel',
  [reportingV1.GroupBy.GROUP_BY_TEAM]: 'team',
};


function known<T>(table: Readonly<Record<number, T>>, value: number | undefined, field: string): T {
  const mapped = table[value ?? 0];
  if (mapped === undefined) throw new MetricsQueryError(`bad-${field.replace(/_/g, '-')}`, `${field} ${value ?? 0} is not supported`);
  return mapped;
}

function queryOf(request: reportingV1.GetMetricsRequest): MetricsQuery {
  return {
    fromMs: millisOf('start_time', request.startTime),
    toMs: millisOf('end_time', request.endTime),
    granularity: known(GRANULARITIES, request.granularity, 'granularity'),
    groupBy: known(DIMENSIONS, request.groupBy, 'group_by'),
    queueIds: request.queueIds ?? [],
    agentIds: request.agentIds ?? [],
    channels: (request.channels ?? []).map((channel) => known(PROTO_CHANNELS, channel, 'channels')),
  };
}

/** Absent, not 0, when there is nothing to divide by. */
const optional = (value: number | null) => (value === null ? undefined : value);

function rowOf(row: MetricsRowResult): reportingV1.MetricsRow {
  const { sums, reading } = row;
  const sl = reading.serviceLevel.byVariant;
  return {
    bucketStart: timestampOf(row.bucketStartMs),
    groupKey: row.groupKey,
    offered: reading.abandonment.offered,
    answered: sums.serviceLevel.answered,
    answeredWithinThreshold: sums.serviceLevel.answeredWithinThreshold,
    abandoned: sums.serviceLevel.abandoned,
    shortAbandoned: sums.serviceLevel.shortAbandoned,
    handled: sums.handleTime.handled,
    transferred: sums.handleTime.transferred,
    talkMs: sums.handleTime.talkMs,
    holdMs: sums.handleTime.holdMs,
    acwMs: sums.handleTime.acwMs,
    handlingMs: sums.agentTime.handlingMs,
    availableMs: sums.agentTime.availableMs,
    scheduledMs: sums.agentTime.scheduledMs,
    serviceLevel: optional(reading.serviceLevel.value),
    serviceLevelAbandonsIgnored: optional(sl['abandons-ignored']),
    serviceLevelAbandonsCountAgainst: optional(sl['abandons-count-against']),
    serviceLevelAbandonsWithinThresholdInFavour: optional(sl['abandons-within-threshold-in-favour']),
    asaMs: optional(reading.speedOfAnswer.asaOfAnsweredMs),
    ahtMs: optional(reading.handleTime.ahtMs),
    abandonmentRate: optional(reading.abandonment.rate),
    transferRate: optional(reading.handleTime.transferRate),
    occupancy: optional(reading.agentOccupancy.occupancy),
    averageFirstResponseMs: optional(reading.firstResponse.allChannels.averageFirstResponseMs),
    firstResponseSlaHitRate: optional(reading.firstResponse.allChannels.slaHitRate),
    utilization: optional(reading.agentOccupancy.utilization),
    firstResponses: CONTACT_CHANNELS.reduce((n, c) => n + sums.firstResponse[c].responded, 0),
    firstResponseSlaHits: CONTACT_CHANNELS.reduce((n, c) => n + sums.firstResponse[c].slaHits, 0),
    firstResponseSlaMisses: CONTACT_CHANNELS.reduce((n, c) => n + sums.firstResponse[c].slaMisses, 0),
    fcrResolved: sums.firstContactResolution.resolved,
    fcrRepeated: sums.firstContactResolution.repeated,
    fcrRate: optional(reading.firstContactResolution.rate),
    csatResponses: sums.survey.csatResponses,
    csat: optional(reading.survey.csat),
    csatAverage: optional(reading.survey.csatAverage),
    npsResponses: sums.survey.npsResponses,
    nps: optional(reading.survey.nps),
    cesResponses: sums.survey.cesResponses,
    ces: optional(reading.survey.ces),
    queueMs: sums.speedOfAnswer.answerWaitMs,
    final: row.final,
  };
}

/** gRPC HistoricalMetricsService: KPIs from interval aggregates, for the tenant in x-tenant-id. */
const EXPORT_KINDS: Readonly<Record<number, ExportKind>> = {
  [reportingV1.ExportKind.EXPORT_KIND_INTERVAL_METRICS]: 'interval-metrics',
  [reportingV1.ExportKind.EXPORT_KIND_INTERACTION_DETAIL]: 'interaction-detail',
};

/** The server side of a server-streaming call (Nest passes it as the handler's third argument). */
const GrpcCall = createParamDecorator((_: unknown, context: ExecutionContext) => context.getArgByIndex(2));

/** Chunks as the client takes them: the next page is read only once the stream has drained. */
async function* paced(chunks: AsyncGenerator<string>, call: Writable): AsyncGenerator<reportingV1.ExportCsvResponse> {
  const gone = Promise.race([once(call, 'close'), once(call, 'cancelled')]);
  for await (const chunk of chunks) {
    if (call.writableNeedDrain) await Promise.race([once(call, 'drain'), gone]);
    if (call.destroyed) return;
    yield { chunk: Buffer.from(chunk, 'utf8') };
  }
}

@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class HistoricalMetricsController {
  constructor(
    @Inject(GetMetricsUseCase) private readonly getMetrics: GetMetricsUseCase,
    @Inject(GetAgentTimelineUseCase) private readonly timeline: GetAgentTimelineUseCase,
    @Inject(ExportCsvUseCase) private readonly exporter: ExportCsvUseCase,
    @Inject(TeamScopeUseCase) private readonly teams: TeamScopeUseCase,
  ) {}

  @RequireRoles(...ROLES)
  @GrpcMethod(reportingV1.HISTORICAL_METRICS_SERVICE_NAME, 'GetAgentTimeline')
  agentTimeline(@Payload() request: reportingV1.GetAgentTimelineRequest, @CurrentPrincipal() principal: Principal): Promise<reportingV1.GetAgentTimelineResponse> {
    return mapRpcErrors(async () => {
      const tenantId = TenantContext.requireTenantId('GetAgentTimeline');
      const team = isTeamScoped(principal) ? await this.teams.agentsOf(tenantId, principal.subject) : undefined;
      const agentId = request.agentId || principal.subject;
      visibleAgentIds(principal, [agentId], team);
      const day = await this.timeline.execute(tenantId, agentId, millisOf('day', request.day));
      return {
        agentId: day.agentId,
        stateAtStart: day.stateAtStart ? ACTIVITY_PROTO[day.stateAtStart] : reportingV1.AgentActivity.AGENT_ACTIVITY_UNSPECIFIED,
        changes: day.changes.map((change) => ({ changedAt: timestampOf(change.at), activity: ACTIVITY_PROTO[change.activity], reason: change.reason })),
        dayStart: timestampOf(day.dayStartMs),
        dayEnd: timestampOf(day.dayEndMs),
      };
    });
  }

  @RequireRoles(...TENANT_WIDE)
  @GrpcMethod(reportingV1.HISTORICAL_METRICS_SERVICE_NAME, 'ExportCsv')
  exportCsv(@Payload() request: reportingV1.ExportCsvRequest, @GrpcCall() call: Writable): Observable<reportingV1.ExportCsvResponse> {
    const tenantId = TenantContext.requireTenantId('ExportCsv');
    return defer(() => {
      const kind = known(EXPORT_KINDS, request.kind, 'kind');
      const chunks = this.exporter.chunks(tenantId, { kind, fromMs: millisOf('start_time', request.startTime), toMs: millisOf('end_time', request.endTime) });
      return from(paced(chunks, call));
    }).pipe(catchError((error) => throwError(() => toRpcError(error))));
  }

  @RequireRoles(...ROLES)
  @GrpcMethod(reportingV1.HISTORICAL_METRICS_SERVICE_NAME, 'GetMetrics')
  metrics(@Payload() request: reportingV1.GetMetricsRequest, @CurrentPrincipal() principal: Principal): Promise<reportingV1.GetMetricsResponse> {
    return mapRpcErrors(async () => {
      // An agent's id in routing events is its identity-provider subject.
      const tenantId = TenantContext.requireTenantId('GetMetrics');
      const viewer: MetricsViewer = isTeamScoped(principal)
        ? { kind: 'team', agentIds: await this.teams.agentsOf(tenantId, principal.subject) }
        : hasAnyRole(principal, TENANT_WIDE)
          ? { kind: 'tenant-wide' }
          : { kind: 'agent', agentId: principal.subject };
      const rows = await this.getMetrics.execute(tenantId, queryOf(request), viewer);
      return { rows: rows.map(rowOf) };
    });
  }
}
