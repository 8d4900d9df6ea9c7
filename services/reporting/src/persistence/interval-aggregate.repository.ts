import type { EntityManager } from 'typeorm';
import { AGGREGATE_COUNTERS, type AggregateCounter, type AggregateCounters } from '../domain/facts/aggregate-counters';
import type { Contribution } from '../domain/facts/interval-contributions';

const column = (counter: AggregateCounter) => counter.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const COLUMNS = AGGREGATE_COUNTERS.map(column);

const ADD = (table: string) => COLUMNS.map((c) => `"${c}" = "${table}"."${c}" + excluded."${c}"`).join(', ');
const ROWS = (offset: number) =>
  `unnest($${offset}::bigint[], $${offset + 1}::text[], $${offset + 2}::text[], $${offset + 3}::text[], ${COLUMNS.map((_, i) => `$${offset + 4 + i}::bigint[]`).join(', ')})
     WITH ORDINALITY AS u(start_ms, queue_id, channel, agent_id, ${COLUMNS.join(', ')}, n)`;
const SUMS = COLUMNS.map((c) => `sum(i.${c})::bigint`).join(', ');
const KEY_AND_COLUMNS = ['queue_id', 'channel', 'agent_id', ...COLUMNS].map((c) => `"${c}"`).join(', ');

/**
 * A data-modifying statement of the same tenant ($1) to run in the same round trip as an
 * aggregate upsert, as a CTE; its own parameters are numbered from `firstParam`.
 */
export interface PiggybackStatement {
  readonly sql: (firstParam: number) => string;
  readonly params: readonly unknown[];
}

/**
 * Interval deltas, their two daily roll-ups (per queue, channel and agent; per channel) and a
 * piggybacked write in one statement, one round trip per batch. The days are the local days of
 * the zone in `daily_rollup_zones` (UTC when the tenant has none), summed in SQL from the same
 * interval rows, so the batch sends each delta once. Every writer takes the tables in the same
 * order and the rows in key order, so concurrent batches never wait on each other in a cycle.
 */
const upsertSql = (piggyback: PiggybackStatement | undefined) => {
  const first = 2 + (piggyback?.params.length ?? 0);
  return `
  WITH ${piggyback ? `piggyback AS (${piggyback.sql(2)}),` : ''}
    zone AS (SELECT coalesce((SELECT "time_zone" FROM "daily_rollup_zones" WHERE "tenant_id" = $1), 'UTC') AS tz),
    input AS (
      SELECT to_timestamp(u.start_ms / 1000.0) AS interval_start, u.queue_id, u.channel, u.agent_id, ${COLUMNS.map((c) => `u.${c}`).join(', ')}, u.n
        FROM ${ROWS(first)}),
    local AS (SELECT i.*, date_trunc('day', i.interval_start, zone.tz) AS day_start FROM input i, zone),
    intervals AS (
      INSERT INTO "interval_aggregates" ("tenant_id", "interval_start", ${KEY_AND_COLUMNS})
      SELECT $1, i.interval_start, i.queue_id, i.channel, i.agent_id, ${COLUMNS.map((c) => `i.${c}`).join(', ')} FROM input i ORDER BY i.n
      ON CONFLICT ("tenant_id", "interval_start", "queue_id", "channel", "agent_id") DO UPDATE SET ${ADD('interval_aggregates')}),
    days AS (
      INSERT INTO "daily_aggregates" ("tenant_id", "day_start", ${KEY_AND_COLUMNS})
      SELECT $1, i.day_start, i.queue_id, i.channel, i.agent_id, ${SUMS} FROM local i GROUP BY 2, 3, 4, 5 ORDER BY 2, 3, 4, 5
      ON CONFLICT ("tenant_id", "day_start", "queue_id", "channel", "agent_id") DO UPDATE SET ${ADD('daily_aggregates')})
  INSERT INTO "tenant_daily_aggregates" ("tenant_id", "day_start", ${KEY_AND_COLUMNS})
  SELECT $1, i.day_start, '', i.channel, '', ${SUMS} FROM local i GROUP BY 2, 4 ORDER BY 2, 4
  ON CONFLICT ("tenant_id", "day_start", "queue_id", "channel", "agent_id") DO UPDATE SET ${ADD('tenant_daily_aggregates')}`;
};
const UPSERT = upsertSql(undefined);

const statementNames = new Map<string, string>();

/**
 * Runs `sql` as a named prepared statement of the transaction's connection: the upsert is ~15 kB
 * of SQL that Postgres would otherwise parse, analyse and plan again for every batch (about a
 * tenth of its CPU per batch). TypeORM has no prepared statements, so this goes to the pg client
 * the transaction runs on; outside a transaction it is a plain query.
 */
async function queryPrepared(manager: EntityManager, sql: string, params: readonly unknown[]): Promise<void> {
  if (!manager.queryRunner) {
    await manager.query(sql, [...params]);
    return;
  }
  let name = statementNames.get(sql);
  if (!name) {
    name = `reporting-aggregate-upsert-${statementNames.size + 1}`;
    statementNames.set(sql, name);
  }
  const client: { query(config: { name: string; text: string; values: readonly unknown[] }): Promise<unknown> } = await manager.queryRunner.connect();
  await client.query({ name, text: sql, values: params });
}

export type MetricsDimension = 'tenant' | 'queue' | 'agent' | 'channel' | 'team';

export interface AggregateQuery {
  readonly fromMs: number;
  readonly toMs: number;
  /** Bounds of the roll-up buckets (`rollupBounds`, covering the range), or null for 15-minute intervals. */
  readonly bounds: readonly number[] | null;
  /** The zone whose whole local days the buckets and range consist of, if they do (the daily roll-ups may serve them). */
  readonly wholeDaysOf?: string;
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

const groupColumn: Record<MetricsDimension, string> = { tenant: `''`, queue: 'a."queue_id"', agent: 'a."agent_id"', channel: 'a."channel"', team: `coalesce(t."team_id", '')` };
/** Grouping by team follows the agent; agents in no team form the group ''. */
const groupFilter: Record<MetricsDimension, string | undefined> = { tenant: undefined, queue: `a."queue_id" <> ''`, agent: `a."agent_id" <> ''`, channel: `a."channel" <> ''`, team: `a."agent_id" <> ''` };

/** One stored row, for the interval export. */
export interface StoredAggregateRow {
  readonly intervalStartMs: number;
  readonly queueId: string;
  readonly channel: string;
  readonly agentId: string;
  readonly counters: AggregateCounters;
}

/**
 * Interval aggregate rows. Writes only add deltas (INSERT … ON CONFLICT add), which commute, so
 * concurrent batches need no lock beyond the row's own. Reads sum rows per bucket, group and
 * channel; channels are merged by the caller so first-response sums stay per channel.
 */
export class IntervalAggregateRepository {
  /**
   * Adds interval deltas to their rows and to the rows of their local days. The caller holds the
   * tenant's roll-up zone lock (shared), so the zone cannot change under the statement.
   */
  async addDeltas(manager: EntityManager, tenantId: string, deltas: readonly Contribution[], piggyback?: PiggybackStatement): Promise<void> {
    if (deltas.length === 0 && !piggyback) return;
    await queryPrepared(manager, piggyback ? upsertSql(piggyback) : UPSERT, [tenantId, ...(piggyback?.params ?? []), ...setOf(deltas)]);
  }

  /** The zone whose local days the tenant's daily roll-ups hold. */
  async dailyZone(manager: EntityManager, tenantId: string): Promise<string> {
    const rows: { time_zone: string }[] = await manager.query(`SELECT "time_zone" FROM "daily_rollup_zones" WHERE "tenant_id" = $1`, [tenantId]);
    return rows[0]?.time_zone ?? 'UTC';
  }

  /**
   * Rebuilds the tenant's daily roll-ups as local days of `timeZone` from its interval rows. The
   * caller holds the tenant's roll-up zone lock exclusively, so no batch adds deltas meanwhile.
   */
  async rebuildDaily(manager: EntityManager, tenantId: string, timeZone: string): Promise<void> {
    await rebuildDailyRollups(manager, tenantId, timeZone);
    await manager.query(
      `INSERT INTO "daily_rollup_zones" ("tenant_id", "time_zone") VALUES ($1, $2) ON CONFLICT ("tenant_id") DO UPDATE SET "time_zone" = excluded."time_zone"`,
      [tenantId, timeZone],
    );
  }

  /**
   * Sums per bucket, group and channel. Day, week and month buckets over whole local days read the
   * daily roll-up when it holds the same zone's days (96 times fewer rows), or, for the whole tenant
   * or per channel without a queue or agent filter, its per-tenant roll-up; anything else the interval rows.
   */
  async sum(manager: EntityManager, tenantId: string, query: AggregateQuery): Promise<AggregateRow[]> {
    const daily = query.wholeDaysOf !== undefined && (await this.dailyZone(manager, tenantId)) === query.wholeDaysOf;
    const tenantWide = (query.groupBy === 'tenant' || query.groupBy === 'channel') && query.queueIds.length === 0 && query.agentIds.length === 0;
    const [table, time] = !daily ? ['interval_aggregates', 'interval_start'] : tenantWide ? ['tenant_daily_aggregates', 'day_start'] : ['daily_aggregates', 'day_start'];
    const conditions = ['a."tenant_id" = $1', `a."${time}" >= to_timestamp($2 / 1000.0)`, `a."${time}" < to_timestamp($3 / 1000.0)`];
    const params: unknown[] = [tenantId, query.fromMs, query.toMs];
    const { bounds } = query;
    if (bounds) params.push(bounds.map((ms) => new Date(ms).toISOString()));
    // width_bucket finds a row's bucket among the sorted bounds: 1 for [b0, b1), 2 for [b1, b2), …
    const bucket = bounds ? `width_bucket(a."${time}", $4::timestamptz[])` : `(extract(epoch FROM a."${time}") * 1000)::bigint`;
    const group = groupColumn[query.groupBy];
    const filter = (sqlColumn: string, values: readonly string[]) => {
      if (values.length === 0) return;
      params.push(values);
      conditions.push(`${sqlColumn} = ANY($${params.length}::text[])`);
    };
    filter('a."queue_id"', query.queueIds);
    filter('a."agent_id"', query.agentIds);
    filter('a."channel"', query.channels);
    // Agent time has no queue or channel, and unanswered contacts no agent: not a group of their own.
    const only = groupFilter[query.groupBy];
    if (only) conditions.push(only);
    const teams = query.groupBy === 'team' ? `LEFT JOIN "agent_teams" t ON t."tenant_id" = a."tenant_id" AND t."agent_id" = a."agent_id"` : '';
    const rows: Record<string, string>[] = await manager.query(
      `SELECT ${bucket} AS bucket, ${group} AS group_key, a."channel",
              ${COLUMNS.map((c) => `sum(a."${c}")::bigint AS "${c}"`).join(', ')}
         FROM "${table}" a ${teams}
        WHERE ${conditions.join(' AND ')}
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3`,
      params,
    );
    return rows.map((row) => ({
      bucketStartMs: bounds ? bounds[Number(row.bucket) - 1] : Number(row.bucket),
      groupKey: row.group_key,
      channel: row.channel,
      counters: countersOfRow(row),
    }));
  }

  /** One page of stored rows in [fromMs, toMs) after the cursor, in key order (keyset paging). */
  async page(manager: EntityManager, tenantId: string, fromMs: number, toMs: number, after: StoredAggregateRow | undefined, limit: number): Promise<StoredAggregateRow[]> {
    const rows: Record<string, string>[] = await manager.query(
      `SELECT (extract(epoch FROM "interval_start") * 1000)::bigint AS start_ms, "queue_id", "channel", "agent_id", ${COLUMNS.map((c) => `"${c}"`).join(', ')}
         FROM "interval_aggregates"
        WHERE "tenant_id" = $1 AND "interval_start" >= to_timestamp($2 / 1000.0) AND "interval_start" < to_timestamp($3 / 1000.0)
          AND ($4::bigint IS NULL OR ("interval_start", "queue_id", "channel", "agent_id") > (to_timestamp($4 / 1000.0), $5, $6, $7))
        ORDER BY "interval_start", "queue_id", "channel", "agent_id"
        LIMIT $8`,
      [tenantId, fromMs, toMs, after?.intervalStartMs ?? null, after?.queueId ?? '', after?.channel ?? '', after?.agentId ?? '', limit],
    );
    return rows.map((row) => ({ intervalStartMs: Number(row.start_ms), queueId: row.queue_id, channel: row.channel, agentId: row.agent_id, counters: countersOfRow(row) }));
  }
}

/**
 * Recomputes a tenant's daily roll-ups from its interval rows as local days of the zone (the
 * repository's rebuild, and the migration that introduced zones going back to UTC).
 */
export async function rebuildDailyRollups(db: Pick<EntityManager, 'query'>, tenantId: string, timeZone: string): Promise<void> {
  const columns = COLUMNS.map((c) => `"${c}"`).join(', ');
  const sums = COLUMNS.map((c) => `sum("${c}")`).join(', ');
  await db.query(`DELETE FROM "daily_aggregates" WHERE "tenant_id" = $1`, [tenantId]);
  await db.query(`DELETE FROM "tenant_daily_aggregates" WHERE "tenant_id" = $1`, [tenantId]);
  await db.query(
    `INSERT INTO "daily_aggregates" ("tenant_id", "day_start", "queue_id", "channel", "agent_id", ${columns})
     SELECT "tenant_id", date_trunc('day', "interval_start", $2), "queue_id", "channel", "agent_id", ${sums}
       FROM "interval_aggregates" WHERE "tenant_id" = $1 GROUP BY 1, 2, 3, 4, 5`,
    [tenantId, timeZone],
  );
  await db.query(
    `INSERT INTO "tenant_daily_aggregates" ("tenant_id", "day_start", "queue_id", "channel", "agent_id", ${columns})
     SELECT "tenant_id", "day_start", '', "channel", '', ${sums} FROM "daily_aggregates" WHERE "tenant_id" = $1 GROUP BY 1, 2, 4`,
    [tenantId],
  );
}

/**
 * The unnest arrays of the upsert. Numbers go as ready array literals ('{1,-2,0}'): node-postgres
 * would otherwise stringify and quote-escape each of the ~30 counters of every row one by one.
 */
function setOf(deltas: readonly Contribution[]): unknown[] {
  return [
    bigintArray(deltas.map((d) => d.key.intervalStart)),
    deltas.map((d) => d.key.queueId),
    deltas.map((d) => d.key.channel),
    deltas.map((d) => d.key.agentId),
    ...AGGREGATE_COUNTERS.map((counter) => bigintArray(deltas.map((d) => d.counters[counter]))),
  ];
}

/** A Postgres array literal of integers; anything else would be a bug upstream, refused here rather than cast. */
function bigintArray(values: readonly number[]): string {
  for (const value of values) if (!Number.isSafeInteger(value)) throw new Error(`aggregate delta ${value} is not an integer`);
  return `{${values.join(',')}}`;
}

function countersOfRow(row: Record<string, string>): AggregateCounters {
  return Object.fromEntries(AGGREGATE_COUNTERS.map((counter) => [counter, Number(row[column(counter)])])) as AggregateCounters;
}
