import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { sumsOf } from '../../domain/facts/aggregate-counters';
import { INTERVAL_MS } from '../../domain/facts/interval-bucket';
import { CONTACT_CHANNELS, type ContactChannel } from '../../domain/kpi/contact-facts';
import type { IntervalKpiAccumulator, IntervalKpiReading, IntervalKpiSums } from '../../domain/kpi/interval-kpis.accumulator';
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

/** Who asks: supervisors and admins see the whole tenant, an agent only itself. */
export type MetricsViewer = { readonly kind: 'tenant-wide' } | { readonly kind: 'agent'; readonly agentId: string };

export interface MetricsRowResult {
  readonly bucketStartMs: number;
  readonly groupKey: string;
  readonly sums: IntervalKpiSums;
  readonly reading: IntervalKpiReading;
}

const DAY_MS = 86_400_000;
/** Bounds keep one answer small: 15-minute rows for a month at most, roll-ups for two years. */
const MAX_INTERVAL_RANGE_MS = 31 * DAY_MS;
const MAX_RANGE_MS = 731 * DAY_MS;

/** KPIs over any range and roll-up, computed from summed interval aggregates (never from raw facts). */
export class GetMetricsUseCase {
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly accumulator: IntervalKpiAccumulator,
  ) {}

  async execute(tenantId: string, query: MetricsQuery, viewer: MetricsViewer): Promise<MetricsRowResult[]> {
    validate(query);
    const agentIds = viewer.kind === 'agent' ? ownAgentOnly(query, viewer.agentId) : query.agentIds;
    const rows = await withTenantTransaction(this.dataSource, (manager) =>
      this.aggregates.sum(manager, tenantId, {
        fromMs: query.fromMs,
        toMs: query.toMs,
        truncateTo: query.granularity === 'interval' ? null : query.granularity,
        groupBy: query.groupBy,
        queueIds: query.queueIds,
        agentIds,
        channels: query.channels,
      }),
    );
    // Rows come per channel so first-response sums stay per channel; merged per bucket and group here.
    const merged = new Map<string, { bucketStartMs: number; groupKey: string; sums: IntervalKpiSums }>();
    for (const row of rows) {
      const channel = CONTACT_CHANNELS.find((known) => known === row.channel);
      const sums = sumsOf(this.accumulator, row.counters, channel);
      const id = `${row.bucketStartMs}|${row.groupKey}`;
      const current = merged.get(id);
      merged.set(id, { bucketStartMs: row.bucketStartMs, groupKey: row.groupKey, sums: current ? this.accumulator.merge(current.sums, sums) : sums });
    }
    return [...merged.values()].map((row) => ({ ...row, reading: this.accumulator.read(row.sums) }));
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

function ownAgentOnly(query: MetricsQuery, agentId: string): readonly string[] {
  if (query.groupBy !== 'agent') {
    throw new MetricsAccessError('agent-own-stats-only', 'agents may only query their own figures, grouped by agent');
  }
  if (query.agentIds.some((requested) => requested !== agentId)) {
    throw new MetricsAccessError('agent-own-stats-only', 'agents may only query their own agent id');
  }
  return [agentId];
}
