import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { CurrentPrincipal, GrpcAuthGuard, hasAnyRole, type Principal, RequireRoles, ROLES, type Role, TenantContextInterceptor } from '@contactcenter/auth';
import { reportingV1, type Timestamp } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { GetMetricsUseCase, type MetricsGranularity, type MetricsQuery, type MetricsRowResult, type MetricsViewer } from '../app/get-metrics/get-metrics.use-case';
import { MetricsQueryError } from '../app/get-metrics/metrics-query.error';
import type { MetricsDimension } from '../persistence/interval-aggregate.repository';
import { mapRpcErrors } from './rpc-error.mapper';
import { PROTO_CHANNELS } from '../proto-channel.mapper';

/** Roles that see every agent and queue of the tenants they are granted (teams are not modelled yet). */
const TENANT_WIDE: readonly Role[] = ['platform-admin', 'tenant-admin', 'supervisor', 'team-lead', 'integration', 'service'];

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
};

/** proto-loader hands int64 seconds over as a Long or string unless the host loads protos with `longs: Number`. */
function millisOf(name: string, timestamp: Timestamp | undefined): number {
  if (!timestamp) throw new MetricsQueryError('bad-range', `${name} is required`);
  return Number(String(timestamp.seconds ?? 0)) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000);
}

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
    bucketStart: { seconds: row.bucketStartMs / 1000, nanos: 0 },
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
  };
}

/** gRPC HistoricalMetricsService: KPIs from interval aggregates, for the tenant in x-tenant-id. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class HistoricalMetricsController {
  constructor(@Inject(GetMetricsUseCase) private readonly getMetrics: GetMetricsUseCase) {}

  @RequireRoles(...ROLES)
  @GrpcMethod(reportingV1.HISTORICAL_METRICS_SERVICE_NAME, 'GetMetrics')
  metrics(@Payload() request: reportingV1.GetMetricsRequest, @CurrentPrincipal() principal: Principal): Promise<reportingV1.GetMetricsResponse> {
    return mapRpcErrors(async () => {
      // An agent's id in routing events is its identity-provider subject.
      const viewer: MetricsViewer = hasAnyRole(principal, TENANT_WIDE) ? { kind: 'tenant-wide' } : { kind: 'agent', agentId: principal.subject };
      const rows = await this.getMetrics.execute(TenantContext.requireTenantId('GetMetrics'), queryOf(request), viewer);
      return { rows: rows.map(rowOf) };
    });
  }
}
