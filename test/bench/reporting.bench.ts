// Reporting benchmarks on the real local stack, one JSON result per line on stdout.
// - Erlang C: µs per evaluation of erlangCMetrics for N agents up to 5,000 (load 90 %).
// - Ingestion: interaction events (queued → assigned → completed) already in real Kafka, read by
//   the reporting consumer (batches, inbox, fact records, aggregate upserts) into Postgres;
//   events/s from the first to the last event committed.
// Usage: npm run bench -- reporting [--events 30000] [--workspaces 6] [--max-batch 500] [--run 100]
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { commonV1, type EventDefinition, Events, toTimestamp } from '@contactcenter/contracts';
import { type EventRecord, KafkaEventBus } from '@contactcenter/messaging';
import { createTestDatabase, stackEndpoints, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { IngestFactsUseCase } from '../../services/reporting/src/app/ingest-facts/ingest-facts.use-case';
import { ReportingEventsConsumer } from '../../services/reporting/src/consumers/reporting-events.consumer';
import { erlangCMetrics } from '../../services/reporting/src/domain/staffing/erlang-c.calculator';
import { IntervalKpiAccumulator } from '../../services/reporting/src/domain/kpi/interval-kpis.accumulator';
import { DEFAULT_KPI_SETTINGS } from '../../services/reporting/src/domain/kpi/kpi-settings';
import { REPORTING_MIGRATIONS } from '../../services/reporting/src/persistence/reporting.migrations';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const config = { events: arg('events', 30_000), workspaces: arg('workspaces', 6), maxBatch: arg('max-batch', 500), run: arg('run', 100), publishBatch: 1_000, timeoutMs: 300_000 };
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
  const bus = new KafkaEventBus({ brokers, clientId: 'bench-reporting', logger: quiet });
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
    log(`published ${records.length} events to ${topic}`);

    const consumer = new ReportingEventsConsumer({
      dataSource,
      eventBus: bus,
      ingest: new IngestFactsUseCase(new IntervalKpiAccumulator(DEFAULT_KPI_SETTINGS)),
      groupId: uniqueGroup('bench-reporting'),
      topics: [topic],
      maxBatchSize: config.maxBatch,
    });
    const began = Date.now();
    await consumer.start();
    let processed = 0;
    while (processed < records.length) {
      if (Date.now() - began > config.timeoutMs) throw new Error(`only ${processed} of ${records.length} events processed in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      processed = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0].n;
    }
    const seconds = (Date.now() - began) / 1000;
    await consumer.close();
    result('ingestion.events_per_s', 'events/s', records.length / seconds, { events: records.length, workspaces: config.workspaces, maxBatch: config.maxBatch, tenantRun: config.run });
  } finally {
    await admin.end();
    await bus.close();
    await dataSource.destroy();
    await db.drop();
  }
}

async function main(): Promise<void> {
  benchErlangC();
  await benchIngestion();
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
