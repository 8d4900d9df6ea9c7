import type { EntityManager } from 'typeorm';
import { AGGREGATE_COUNTERS, type AggregateCounter, type AggregateCounters } from '../domain/facts/aggregate-counters';
import type { Contribution } from '../domain/facts/interval-contributions';

const column = (counter: AggregateCounter) => counter.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const COLUMNS = AGGREGATE_COUNTERS.map(column);

const upsert = `
  INSERT INTO "interval_aggregates" ("tenant_id", "interval_start", "queue_id", "channel", "agent_id", ${COLUMNS.map((c) => `"${c}"`).join(', ')})
  SELECT $1, to_timestamp(u.start_ms / 1000.0), u.queue_id, u.channel, u.agent_id, ${COLUMNS.map((c) => `u.${c}`).join(', ')}
  FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], ${COLUMNS.map((_, i) => `$${i + 6}::bigint[]`).join(', ')})
    WITH ORDINALITY AS u(start_ms, queue_id, channel, agent_id, ${COLUMNS.join(', ')}, n)
  ORDER BY u.n
  ON CONFLICT ("tenant_id", "interval_start", "queue_id", "channel", "agent_id") DO UPDATE SET
    ${COLUMNS.map((c) => `"${c}" = "interval_aggregates"."${c}" + excluded."${c}"`).join(',\n    ')}`;

export type MetricsDimension = 'tenant' | 'queue' | 'agent' | 'channel';

export interface AggregateQuery {
  readonly fromMs: number;
  readonly toMs: number;
  /** A Postgres date_trunc unit, or null for 15-minute intervals. */
  readonly truncateTo: 'hour' | 'day' | 'week' | 'month' | null;
  readonly groupBy: MetricsDimension;
  readonly queueIds: readonly string[];
  readonly agentIds: readonly string[];
  readonly channels: readonly string[];
}

export interface AggregateRow {
  readonly bucketStartMs: number;
  readonly groupKey: string;
  readonly channel: string;
  readonly counters: AggregateCounters;
}

const groupColumn: Record<MetricsDimension, string> = { tenant: `''`, queue: '"queue_id"', agent: '"agent_id"', channel: '"channel"' };

/**
 * Interval aggregate rows. Writes only add deltas (INSERT … ON CONFLICT add), which commute, so
 * concurrent batches need no lock beyond the row's own. Reads sum rows per bucket, group and
 * channel; channels are merged by the caller so first-response sums stay per channel.
 */
export class IntervalAggregateRepository {
  async addDeltas(manager: EntityManager, tenantId: string, deltas: readonly Contribution[]): Promise<void> {
    if (deltas.length === 0) return;
    await manager.query(upsert, [
      tenantId,
      deltas.map((d) => d.key.intervalStart),
      deltas.map((d) => d.key.queueId),
      deltas.map((d) => d.key.channel),
      deltas.map((d) => d.key.agentId),
      ...AGGREGATE_COUNTERS.map((counter) => deltas.map((d) => d.counters[counter])),
    ]);
  }

  async sum(manager: EntityManager, tenantId: string, query: AggregateQuery): Promise<AggregateRow[]> {
    const bucket = query.truncateTo ? `date_trunc('${query.truncateTo}', "interval_start", 'UTC')` : '"interval_start"';
    const group = groupColumn[query.groupBy];
    const conditions = ['"tenant_id" = $1', '"interval_start" >= to_timestamp($2 / 1000.0)', '"interval_start" < to_timestamp($3 / 1000.0)'];
    const params: unknown[] = [tenantId, query.fromMs, query.toMs];
    const filter = (sqlColumn: string, values: readonly string[]) => {
      if (values.length === 0) return;
      params.push(values);
      conditions.push(`${sqlColumn} = ANY($${params.length}::text[])`);
    };
    filter('"queue_id"', query.queueIds);
    filter('"agent_id"', query.agentIds);
    filter('"channel"', query.channels);
    // Agent time has no queue or channel, and unanswered contacts no agent: not a group of their own.
    if (query.groupBy !== 'tenant') conditions.push(`${group} <> ''`);
    const rows: Record<string, string>[] = await manager.query(
      `SELECT (extract(epoch FROM ${bucket}) * 1000)::bigint AS bucket_ms, ${group} AS group_key, "channel",
              ${COLUMNS.map((c) => `sum("${c}")::bigint AS "${c}"`).join(', ')}
         FROM "interval_aggregates"
        WHERE ${conditions.join(' AND ')}
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3`,
      params,
    );
    return rows.map((row) => ({
      bucketStartMs: Number(row.bucket_ms),
      groupKey: row.group_key,
      channel: row.channel,
      counters: Object.fromEntries(AGGREGATE_COUNTERS.map((counter) => [counter, Number(row[column(counter)])])) as AggregateCounters,
    }));
  }
}
