// Reporting benchmarks on the real local stack, one JSON result per line on stdout.
// - Erlang C: µs per evaluation of erlangCMetrics for N agents up to 5,000 (load 90 %).
// - Ingestion: interaction events (queued → assigned → completed) already in real Kafka, read by
//   the reporting consumer (batches, inbox, fact records, aggregate upserts) into Postgres;
//   events/s from the consumer's start (group join included) to the last event committed, on a
//   topic of `--partitions` partitions consumed as many at a time (6 by default, as many as
//   workspaces, the key the bus partitions by; the log shows how the keys fell). The machine's 1-minute load is reported
//   beside it, since other processes share the cores, and so is the CPU the ingestion cost per 1,000 events: this
//   process (Kafka fetch and decode, fold, SQL parameters) and the Postgres backends of the bench database.
// - Month query: a month (June 2025) of 15-minute aggregates for 100 queues × 200 agents built
//   from `--contacts` (default 10 million) raw interaction rows, both loaded once with SQL
//   generate_series; p50/p99 of the month-by-day query through GetMetricsUseCase for one queue and
//   for the whole tenant, against the same figures from a plain SQL aggregate over the raw rows
//   (the reference), whose answers are checked to be equal; then the tenant moves to Europe/Berlin
//   (timing the rebuild of its daily roll-ups) and the same for June in Berlin days.
// Usage: npm run bench -- reporting [--only erlang|ingestion|month] [--events 30000] [--workspaces 6]
//        [--max-batch 500] [--run 100] [--partitions 6] [--contacts 10000000] [--query-runs 200] [--ref-runs 5]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { commonV1, type EventDefinition, Events, toTimestamp } from '@contactcenter/contracts';
import { type EventRecord, KafkaEventBus } from '@contactcenter/messaging';
import { TenantContext } from '@contactcenter/tenancy';
import { createTestDatabase, stackEndpoints, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { IngestFactsUseCase } from '../../services/reporting/src/app/ingest-facts/ingest-facts.use-case';
import { ReportingEventsConsumer } from '../../services/reporting/src/consumers/reporting-events.consumer';
import { erlangCMetrics } from '../../services/reporting/src/domain/staffing/erlang-c.calculator';
import { GetMetricsUseCase } from '../../services/reporting/src/app/get-metrics/get-metrics.use-case';
import { ReportingSettingsUseCase } from '../../services/reporting/src/app/kpi-settings/kpi-settings.use-case';
import { TenantKpiSettings } from '../../services/reporting/src/app/kpi-settings/tenant-kpi-settings';
import { DEFAULT_KPI_SETTINGS } from '../../services/reporting/src/domain/kpi/kpi-settings';
import { REPORTING_MIGRATIONS } from '../../services/reporting/src/persistence/reporting.migrations';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const config = { contacts: arg('contacts', 10_000_000), queryRuns: arg('query-runs', 200), refRuns: arg('ref-runs', 5), events: arg('events', 30_000), workspaces: arg('workspaces', 6), maxBatch: arg('max-batch', 500), run: arg('run', 100), partitions: arg('partitions', 6), publishBatch: 1_000, timeoutMs: 300_000 };
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const log = (message: string) => process.stderr.write(`[bench:reporting] ${message}\n`);
const round = (n: number) => Math.round(n * 1000) / 1000;
const result = (metric: string, unit: string, value: number, extra: object = {}) =>
  process.stdout.write(`${JSON.stringify({ bench: 'reporting', metric, value: round(value), unit, ...extra })}\n`);

function benchErlangC(): void {
  for (const agents of [10, 100, 1_000, 5_000]) {
    const trafficErlangs = agents * 0.9;
    const input = { agents, trafficErlangs, ahtSeconds: 180, answerTimeSeconds: 20 };
    // Enough evaluations for ~0.2 s each; the first runs warm the JIT up.
    const runs = Math.max(200, Math.round(2_000_000 / agents));
    let sink = 0;
    for (let i = 0; i < runs / 10; i++) sink += erlangCMetrics(input).serviceLevel;
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) sink += erlangCMetrics(input).serviceLevel;
    const micros = Number(process.hrtime.bigint() - started) / 1_000 / runs;
    if (Number.isNaN(sink)) throw new Error('Erlang C returned NaN');
    result('erlang_c.us_per_eval', 'us', micros, { agents, trafficErlangs });
  }
}

async function benchIngestion(): Promise<void> {
  const brokers = stackEndpoints().kafkaBrokers;
  const db = await createTestDatabase('bench_reporting');
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: REPORTING_MIGRATIONS });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  const dataSource = await new DataSource({ type: 'postgres', url: db.url('app'), extra: { max: 10 } }).initialize();
  const bus = new KafkaEventBus({ brokers, clientId: 'bench-reporting', logger: quiet, partitions: config.partitions, partitionsConsumedConcurrently: config.partitions });
  const topic = uniqueTopic('bench-reporting-interactions');
  const admin = new Client({ connectionString: db.url('admin') });
  await admin.connect();
  try {
    // Creates the topic with the bus's partitions before anything is published to it.
    await (await bus.subscribe({ groupId: uniqueGroup('bench-reporting-setup'), topics: [topic], handler: async () => undefined })).close();

    const scopes = Array.from({ length: config.workspaces }, (_, i) => ({ workspaceId: `bench-ws-${i}`, tenantId: `bench-tenant-${i}` }));
    const start = Date.UTC(2025, 0, 6, 0, 0, 0);
    const records: EventRecord[] = [];
    const event = <T>(definition: EventDefinition<T>, scope: (typeof scopes)[number], payload: T): EventRecord => ({
      id: randomUUID(),
      type: definition.type,
      topic,
      key: scope.workspaceId,
      time: new Date(start),
      ...scope,
      payload: definition.codec.encode(payload).finish(),
    });
    for (let n = 0; records.length < config.events; n++) {
      // Runs of `run` interactions per tenant: the bus batches only consecutive events of one tenant.
      const scope = scopes[Math.floor(n / config.run) % scopes.length];
      const { tenantId } = scope;
      const queuedAt = start + n * 7_000;
      const interactionId = `i-${n}`;
      const queueId = `q-${n % 7}`;
      const agentId = `a-${n % 50}`;
      records.push(
        event(Events.InteractionQueued, scope, { interactionId, tenantId, queueId, channel: commonV1.Channel.CHANNEL_VOICE, queuedAt: toTimestamp(new Date(queuedAt)) }),
        event(Events.InteractionAssigned, scope, { interactionId, tenantId, queueId, agentId, assignedAt: toTimestamp(new Date(queuedAt + 12_000)), queueTimeMs: 12_000 }),
        event(Events.InteractionCompleted, scope, { interactionId, tenantId, agentId, completedAt: toTimestamp(new Date(queuedAt + 240_000)) }),
      );
    }
    for (let i = 0; i < records.length; i += config.publishBatch) await bus.publish(records.slice(i, i + config.publishBatch));
    const partitionOf = await Promise.all(scopes.map((scope) => bus.partitionOf(topic, scope.workspaceId)));
    log(`published ${records.length} events to ${topic}; workspace partitions ${partitionOf.join(',')}`);

    const consumer = new ReportingEventsConsumer({
      dataSource,
      eventBus: bus,
      ingest: new IngestFactsUseCase(new TenantKpiSettings(DEFAULT_KPI_SETTINGS)),
      groupId: uniqueGroup('bench-reporting'),
      topics: [topic],
      maxBatchSize: config.maxBatch,
    });
    // Opens the pool's connections now, so the backends measured below are the ones ingestion uses.
    await Promise.all(Array.from({ length: 10 }, () => dataSource.query('SELECT pg_sleep(0.02)')));
    const pgBackends = (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map((row) => row.pid);
    const pgBefore = cpuMsOfProcesses(pgBackends);
    const cpuBefore = process.cpuUsage();
    const began = Date.now();
    await consumer.start();
    let processed = 0;
    while (processed < records.length) {
      if (Date.now() - began > config.timeoutMs) throw new Error(`only ${processed} of ${records.length} events processed in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      processed = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0].n;
    }
    const seconds = (Date.now() - began) / 1000;
    const { first } = (await admin.query<{ first: number }>(`SELECT (extract(epoch FROM min(processed_at)) * 1000)::float8 AS first FROM inbox`)).rows[0];
    log(`first batch began ${Math.round(first - began)} ms after the consumer started (group join); all committed after ${Math.round(seconds * 1000)} ms`);
    await consumer.close();
    const cpu = process.cpuUsage(cpuBefore);
    const pgAfter = cpuMsOfProcesses(pgBackends);
    result('ingestion.events_per_s', 'events/s', records.length / seconds, {
      // CPU per 1,000 events of this process (Kafka fetch, decode, fold) and of the Postgres backends
      // of the bench database: what the cores are shared for, so less sensitive to the load than events/s.
      consumerCpuMsPer1kEvents: round(((cpu.user + cpu.system) / 1000 / records.length) * 1000),
      ...(pgBefore !== undefined && pgAfter !== undefined ? { postgresCpuMsPer1kEvents: round(((pgAfter - pgBefore) / records.length) * 1000) } : {}),
      events: records.length,
      workspaces: config.workspaces,
      partitions: config.partitions,
      maxBatch: config.maxBatch,
      tenantRun: config.run,
      load1: round(loadavg()[0]),
    });
  } finally {
    await admin.end();
    await bus.close();
    await dataSource.destroy();
    await db.drop();
  }
}

/** CPU ms (user + system) of these processes from /proc; undefined where /proc cannot tell (not Linux, another host). */
function cpuMsOfProcesses(pids: readonly number[]): number | undefined {
  try {
    return pids.reduce((total, pid) => {
      // utime and stime, in clock ticks of 10 ms (USER_HZ 100).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return total + (Number(fields[11]) + Number(fields[12])) * 10;
    }, 0);
  } catch {
    return undefined;
  }
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ p50: number; p99: number; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    last = await fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), last };
}

const MONTH_START = Date.UTC(2025, 5, 1);
const MONTH_END = Date.UTC(2025, 6, 1);
const MONTH_TENANT = 'bench-month';

/** Raw rows: contact n enters at an even spread over the month; formulas give the rest. */
const LOAD_RAW = `
  INSERT INTO raw_interactions
  SELECT $1, n, 'q-' || (n % 100),
         CASE WHEN n % 10 = 3 THEN '' ELSE 'a-' || ((n % 100) + 100 * ((n / 100) % 2)) END,
         CASE WHEN n % 5 = 0 THEN 'chat' ELSE 'voice' END,
         e.entered_at, w.wait_ms, n % 10 = 3,
         60000 + (n * 104729) % 480000, CASE WHEN n % 4 = 0 THEN 20000 ELSE 0 END, 30000,
         e.entered_at + make_interval(secs => (w.wait_ms + 60000 + (n * 104729) % 480000 + CASE WHEN n % 4 = 0 THEN 20000 ELSE 0 END + 30000) / 1000.0)
    FROM generate_series($2::bigint, $3::bigint - 1) AS n,
         LATERAL (SELECT to_timestamp($4::double precision / 1000 + n * ($5::double precision / 1000 / $6::double precision)) AS entered_at) e,
         LATERAL (SELECT ((n * 7919) % 60000)::int AS wait_ms) w`;

/** The aggregates as ingestion builds them: offered where a visit entered, handled where it ended. */
const BUILD_AGGREGATES = `
  INSERT INTO interval_aggregates (tenant_id, interval_start, queue_id, channel, agent_id, offered, short_abandoned, answered,
         answered_within_threshold, abandoned, abandoned_within_threshold, answer_wait_ms, handled, talk_ms, hold_ms, acw_ms)
  SELECT tenant_id, bucket, queue_id, channel, agent_id, sum(offered), sum(short), sum(answered), sum(within), sum(abandoned),
         sum(abandoned_within), sum(wait), sum(handled), sum(talk), sum(hold), sum(acw)
    FROM (
      SELECT tenant_id, to_timestamp(floor(extract(epoch FROM entered_at) / 900) * 900) AS bucket, queue_id, channel, agent_id,
             1 AS offered, (abandoned AND wait_ms <= 5000)::int AS short, (NOT abandoned)::int AS answered,
             (NOT abandoned AND wait_ms <= 20000)::int AS within, (abandoned AND wait_ms > 5000)::int AS abandoned,
             (abandoned AND wait_ms > 5000 AND wait_ms <= 20000)::int AS abandoned_within,
             CASE WHEN abandoned THEN 0 ELSE wait_ms END AS wait, 0 AS handled, 0 AS talk, 0 AS hold, 0 AS acw
        FROM raw_interactions
      UNION ALL
      SELECT tenant_id, to_timestamp(floor(extract(epoch FROM ended_at) / 900) * 900), queue_id, channel, agent_id,
             0, 0, 0, 0, 0, 0, 0, 1, talk_ms, hold_ms, acw_ms
        FROM raw_interactions WHERE NOT abandoned
    ) AS contributions
   GROUP BY 1, 2, 3, 4, 5`;

/** The reference: the same month-by-day figures straight from the raw rows, days of `zone`. */
const REFERENCE = (oneQueue: boolean, zone: string) => `
  WITH offered AS (
    SELECT date_trunc('day', entered_at, '${zone}') AS day, count(*) AS offered, count(*) FILTER (WHERE NOT abandoned) AS answered,
           count(*) FILTER (WHERE NOT abandoned AND wait_ms <= 20000) AS within, count(*) FILTER (WHERE abandoned AND wait_ms > 5000) AS abandoned,
           count(*) FILTER (WHERE abandoned AND wait_ms <= 5000) AS short, coalesce(sum(wait_ms) FILTER (WHERE NOT abandoned), 0) AS wait
      FROM raw_interactions
     WHERE tenant_id = $1 AND entered_at >= to_timestamp($2 / 1000.0) AND entered_at < to_timestamp($3 / 1000.0) ${oneQueue ? 'AND queue_id = $4' : ''}
     GROUP BY 1),
  handled AS (
    SELECT date_trunc('day', ended_at, '${zone}') AS day, count(*) AS handled, sum(talk_ms) AS talk, sum(hold_ms) AS hold, sum(acw_ms) AS acw
      FROM raw_interactions
     WHERE tenant_id = $1 AND NOT abandoned AND ended_at >= to_timestamp($2 / 1000.0) AND ended_at < to_timestamp($3 / 1000.0) ${oneQueue ? 'AND queue_id = $4' : ''}
     GROUP BY 1)
  SELECT (extract(epoch FROM coalesce(o.day, h.day)) * 1000)::bigint AS day_ms, coalesce(o.offered, 0)::int AS offered, coalesce(o.answered, 0)::int AS answered,
         coalesce(o.within, 0)::int AS within, coalesce(o.abandoned, 0)::int AS abandoned, coalesce(o.short, 0)::int AS short, coalesce(o.wait, 0)::bigint AS wait,
         coalesce(h.handled, 0)::int AS handled, coalesce(h.talk, 0)::bigint AS talk, coalesce(h.hold, 0)::bigint AS hold, coalesce(h.acw, 0)::bigint AS acw
    FROM offered o FULL JOIN handled h USING (day) ORDER BY 1`;

async function benchMonthQueries(): Promise<void> {
  const db = await createTestDatabase('bench_reporting_month');
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: REPORTING_MIGRATIONS });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  // The superuser loads (row-level security does not apply to it); the service role queries.
  const admin = new Client({ connectionString: db.url('admin') });
  await admin.connect();
  const dataSource = await new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
  try {
    const loadStarted = Date.now();
    await admin.query(`SET work_mem = '256MB'`);
    await admin.query(`SET maintenance_work_mem = '512MB'`);
    await admin.query(`CREATE UNLOGGED TABLE raw_interactions (tenant_id text, interaction_id bigint, queue_id text, agent_id text, channel text,
      entered_at timestamptz, wait_ms int, abandoned boolean, talk_ms int, hold_ms int, acw_ms int, ended_at timestamptz)`);
    const step = 1_000_000;
    for (let from = 0; from < config.contacts; from += step) {
      await admin.query(LOAD_RAW, [MONTH_TENANT, from, Math.min(config.contacts, from + step), MONTH_START, MONTH_END - MONTH_START, config.contacts]);
      log(`raw rows ${Math.min(config.contacts, from + step)} / ${config.contacts}`);
    }
    // The reference gets the indexes a plain design would have.
    await admin.query(`CREATE INDEX ON raw_interactions (tenant_id, queue_id, entered_at)`);
    await admin.query(`CREATE INDEX ON raw_interactions (tenant_id, entered_at)`);
    await admin.query(BUILD_AGGREGATES);
    // Agent time of the 200 agents in every interval (not part of the reference, but of the rows read).
    await admin.query(
      `INSERT INTO interval_aggregates (tenant_id, interval_start, queue_id, channel, agent_id, handling_ms, available_ms)
       SELECT $1, to_timestamp($2 / 1000.0 + i * 900), '', '', 'a-' || a, 500000 + (a * 7 + i * 13) % 300000, 400000 - (a * 7 + i * 13) % 300000
         FROM generate_series(0, ($3::bigint - $2) / 900000 - 1) AS i, generate_series(0, 199) AS a`,
      [MONTH_TENANT, MONTH_START, MONTH_END],
    );
    const counters = 'offered, short_abandoned, answered, answered_within_threshold, abandoned, abandoned_within_threshold, answer_wait_ms, handled, talk_ms, hold_ms, acw_ms, transferred, first_responses, first_response_ms, first_response_sla_hits, first_response_sla_misses, handling_ms, available_ms, scheduled_ms, fcr_resolved, fcr_repeated, csat_responses, csat_satisfied, csat_score_sum, nps_responses, nps_promoters, nps_detractors, ces_responses, ces_score_sum';
    const sums = counters.split(', ').map((c) => `sum(${c})`).join(', ');
    // The roll-ups ingestion keeps beside the interval rows.
    await admin.query(`INSERT INTO daily_aggregates (tenant_id, day_start, queue_id, channel, agent_id, ${counters})
      SELECT tenant_id, date_trunc('day', interval_start, 'UTC'), queue_id, channel, agent_id, ${sums} FROM interval_aggregates GROUP BY 1, 2, 3, 4, 5`);
    await admin.query(`INSERT INTO tenant_daily_aggregates (tenant_id, day_start, queue_id, channel, agent_id, ${counters})
      SELECT tenant_id, day_start, '', channel, '', ${sums} FROM daily_aggregates GROUP BY 1, 2, 4`);
    await admin.query('VACUUM ANALYZE raw_interactions');
    await admin.query('VACUUM ANALYZE interval_aggregates');
    await admin.query('VACUUM ANALYZE daily_aggregates');
    await admin.query('VACUUM ANALYZE tenant_daily_aggregates');
    const counts = (await admin.query<{ raw: number; intervals: number; days: number }>(
      `SELECT (SELECT count(*) FROM raw_interactions)::int AS raw, (SELECT count(*) FROM interval_aggregates)::int AS intervals, (SELECT count(*) FROM daily_aggregates)::int AS days`,
    )).rows[0];
    log(`loaded in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

    const tenantSettings = new TenantKpiSettings(DEFAULT_KPI_SETTINGS);
    const getMetrics = new GetMetricsUseCase(dataSource, tenantSettings);
    const scope = { workspaceId: 'bench-month-ws', tenantId: MONTH_TENANT };
    const cases = [
      { name: 'one_queue', queueIds: ['q-7'], groupBy: 'queue' as const },
      { name: 'whole_tenant', queueIds: [], groupBy: 'tenant' as const },
    ];
    // June in UTC, then June in Berlin (1 June 00:00 CEST = 31 May 22:00 UTC) after the tenant moved
    // there, which rebuilds its daily roll-ups as Berlin days through the service's own code.
    const months = [
      { zone: 'UTC', prefix: 'month_by_day', fromMs: MONTH_START, toMs: MONTH_END },
      { zone: 'Europe/Berlin', prefix: 'month_by_day.berlin', fromMs: MONTH_START - 2 * 3_600_000, toMs: MONTH_END - 2 * 3_600_000 },
    ];
    for (const month of months) {
      if (month.zone !== 'UTC') {
        const rebuild = await timed(1, () => TenantContext.run(scope, () => new ReportingSettingsUseCase(dataSource, tenantSettings).replace(MONTH_TENANT, { timeZone: month.zone })));
        result('daily_rollup_rebuild_ms', 'ms', rebuild.p50, { zone: month.zone, intervalRows: counts.intervals });
      }
      for (const { name, queueIds, groupBy } of cases) {
        const query = { fromMs: month.fromMs, toMs: month.toMs, granularity: 'day' as const, groupBy, queueIds, agentIds: [], channels: [] };
        const reference = REFERENCE(queueIds.length > 0, month.zone);
        const params = [MONTH_TENANT, month.fromMs, month.toMs, ...queueIds];
        const ours = await timed(config.queryRuns, () => TenantContext.run(scope, () => getMetrics.execute(MONTH_TENANT, query, { kind: 'tenant-wide' })));
        const ref = await timed(config.refRuns, async () => (await admin.query(reference, params)).rows);
        // Correctness is the tests' job; this only guards the comparison against comparing different answers.
        const mine = ours.last.map((row) => [row.bucketStartMs, row.sums.abandonment.offered, row.sums.serviceLevel.answered, row.sums.serviceLevel.answeredWithinThreshold, row.sums.serviceLevel.abandoned, row.sums.serviceLevel.shortAbandoned, row.sums.speedOfAnswer.answerWaitMs, row.sums.handleTime.handled, row.sums.handleTime.talkMs, row.sums.handleTime.holdMs, row.sums.handleTime.acwMs]);
        const theirs = ref.last.map((row: Record<string, string | number>) => [row.day_ms, row.offered, row.answered, row.within, row.abandoned, row.short, row.wait, row.handled, row.talk, row.hold, row.acw].map(Number));
        if (JSON.stringify(mine) !== JSON.stringify(theirs)) throw new Error(`${month.prefix} ${name}: aggregates and reference differ\n${JSON.stringify(mine)}\n${JSON.stringify(theirs)}`);
        const extra = { zone: month.zone, contacts: config.contacts, days: mine.length, runs: config.queryRuns, refRuns: config.refRuns };
        result(`${month.prefix}.${name}.p50_ms`, 'ms', ours.p50, { ref: 'plain SQL aggregate over raw interaction rows, p50', refValue: round(ref.p50), ratio: round(ref.p50 / ours.p50), ...extra });
        result(`${month.prefix}.${name}.p99_ms`, 'ms', ours.p99, { ref: 'plain SQL aggregate over raw interaction rows, p99', refValue: round(ref.p99), ratio: round(ref.p99 / ours.p99), ...extra });
      }
    }
  } finally {
    await admin.end();
    await dataSource.destroy();
    await db.drop();
  }
}

async function main(): Promise<void> {
  if (!only || only === 'erlang') benchErlangC();
  if (!only || only === 'ingestion') await benchIngestion();
  if (!only || only === 'month') await benchMonthQueries();
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
