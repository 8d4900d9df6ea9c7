import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { sumsOf } from '../../domain/facts/aggregate-counters';
import { INTERVAL_MS } from '../../domain/facts/interval-bucket';
import { isLocalDayStart, rollupBounds } from '../../domain/facts/local-calendar';
import { CONTACT_CHANNELS, type ContactChannel } from '../../domain/kpi/contact-facts';
import type { IntervalKpiReading, IntervalKpiSums } from '../../domain/kpi/interval-kpis.accumulator';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';
import { IntervalAggregateRepository, type MetricsDimension } from '../../persistence/interval-aggregate.repository';
import { MetricsAccessError, MetricsQueryError } from './metrics-query.error';

export type MetricsGranularity = 'interval' | 'hour' | 'day' | 'week' | 'month';

export interface MetricsQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly granularity: MetricsGranularity;
  readonly groupBy: MetricsDimension;
  readonly queueIds: readonly string[];
  readonly agentIds: readonly string[];
  readonly channels: readonly ContactChannel[];
}

/** Who asks: the whole tenant, a team lead (its team's agents) or an agent (itself). */
export type MetricsViewer = { readonly kind: 'tenant-wide' } | { readonly kind: 'team'; readonly agentIds: readonly string[] } | { readonly kind: 'agent'; readonly agentId: string };

export interface MetricsRowResult {
  readonly bucketStartMs: number;
  readonly groupKey: string;
  readonly sums: IntervalKpiSums;
  readonly reading: IntervalKpiReading;
  /** Late events can no longer change the bucket: its end plus the tenant's lateness has passed. */
  readonly final: boolean;
}

const DAY_MS = 86_400_000;
/** Bounds keep one answer small: 15-minute rows for a month at most, roll-ups for two years. */
const MAX_INTERVAL_RANGE_MS = 31 * DAY_MS;
const MAX_RANGE_MS = 731 * DAY_MS;

/**
 * KPIs over any range and roll-up, computed from summed interval aggregates (never from raw facts).
 * Hours, days, weeks and months are those of the tenant's time zone (`rollupBounds`): a bucket at the
 * edge of the range covers only the part of it inside the range.
 */
export class GetMetricsUseCase {
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async execute(tenantId: string, query: MetricsQuery, viewer: MetricsViewer): Promise<MetricsRowResult[]> {
    validate(query);
    const agentIds = viewer.kind === 'agent' ? ownAgentOnly(query, viewer.agentId) : viewer.kind === 'team' ? teamAgentsOnly(query, viewer.agentIds) : query.agentIds;
    const { rows, settings, bounds } = await withTenantTransaction(this.dataSource, async (manager) => {
      const settings = await this.settings.settingsFor(manager, tenantId);
      const { granularity, fromMs, toMs } = query;
      const bounds = granularity === 'interval' ? null : rollupBounds(fromMs, toMs, granularity, settings);
      const wholeDays = granularity !== 'interval' && granularity !== 'hour' && isLocalDayStart(fromMs, settings.timeZone) && isLocalDayStart(toMs, settings.timeZone);
      const rows = await this.aggregates.sum(manager, tenantId, {
        fromMs,
        toMs,
        bounds,
        wholeDaysOf: wholeDays ? settings.timeZone : undefined,
        groupBy: query.groupBy,
        queueIds: query.queueIds,
        agentIds,
        channels: query.channels,
      });
      return { rows, settings, bounds };
    });
    const ends = new Map(bounds?.slice(1).map((end, i) => [bounds[i], end]));
    const bucketEndMs = (startMs: number) => ends.get(startMs) ?? startMs + INTERVAL_MS;
    const accumulator = this.settings.accumulatorFor(settings);
    const now = this.now();
    // Rows come per channel so first-response sums stay per channel; merged per bucket and group here.
    const merged = new Map<string, { bucketStartMs: number; groupKey: string; sums: IntervalKpiSums }>();
    for (const row of rows) {
      const channel = CONTACT_CHANNELS.find((known) => known === row.channel);
      const sums = sumsOf(accumulator, row.counters, channel);
      const id = `${row.bucketStartMs}|${row.groupKey}`;
      const current = merged.get(id);
      merged.set(id, { bucketStartMs: row.bucketStartMs, groupKey: row.groupKey, sums: current ? accumulator.merge(current.sums, sums) : sums });
    }
    return [...merged.values()].map((row) => ({
      ...row,
      reading: accumulator.read(row.sums),
      final: bucketEndMs(row.bucketStartMs) + settings.latenessMs <= now,
    }));
  }
}

function validate(query: MetricsQuery): void {
  const { fromMs, toMs, granularity } = query;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) {
    throw new MetricsQueryError('bad-range', 'start_time must be before end_time');
  }
  if (fromMs % INTERVAL_MS !== 0 || toMs % INTERVAL_MS !== 0) {
    throw new MetricsQueryError('range-not-aligned', 'start_time and end_time must fall on 15-minute boundaries');
  }
  const limit = granularity === 'interval' ? MAX_INTERVAL_RANGE_MS : MAX_RANGE_MS;
  if (toMs - fromMs > limit) {
    throw new MetricsQueryError('range-too-long', `at most ${limit / DAY_MS} days at ${granularity} granularity`);
  }
}

/**
 * A team lead's agent figures (by agent, by team, or filtered by agent) cover its team's agents
 * only; queue, channel and tenant figures without an agent filter are not agent figures and stay whole.
 */
function teamAgentsOnly(query: MetricsQuery, team: readonly string[]): readonly string[] {
  if (query.agentIds.some((requested) => !team.includes(requested))) {
    throw new MetricsAccessError('team-agents-only', 'team leads may only query the agents of their team');
  }
  if (query.agentIds.length > 0) return query.agentIds;
  return query.groupBy === 'agent' || query.groupBy === 'team' ? team : [];
}

function ownAgentOnly(query: MetricsQuery, agentId: string): readonly string[] {
  if (query.groupBy !== 'agent') {
    throw new MetricsAccessError('agent-own-stats-only', 'agents may only query their own figures, grouped by agent');
  }
  if (query.agentIds.some((requested) => requested !== agentId)) {
    throw new MetricsAccessError('agent-own-stats-only', 'agents may only query their own agent id');
  }
  return [agentId];
}
