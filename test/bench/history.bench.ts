// Interaction-history benchmarks on the real local stack, one JSON result per line on stdout.
// 1. Ingestion: the events of `--interactions` contacts (an SMS in from the customer's phone,
//    queued, assigned, an SMS out, completed, wrapped up: 6 events each) already in real Kafka,
//    read by the service's consumer (tenant batches, inbox, identity resolution, record fold,
//    multi-row upserts) into Postgres; events/s from consumer start to the last inbox mark.
//    Reference, same run: the very rows that path produced (customers, identities, interactions,
//    messages, inbox marks) copied into a fresh database with one multi-row
//    `INSERT ... SELECT FROM unnest(...)` per table and transaction, as many transactions as the
//    consumer's batches, on one connection as the service role: the floor for writing them.
// 2. Reads through the real gRPC API (token verification, tenant guard, use case, Postgres with
//    RLS) on a dedicated database loaded with SQL generate_series: 1,000,000 interactions of
//    10,000 customers plus one customer with 1,000 (and their messages, notes, cases).
//    GetTimeline first page (20), every page of the 1,000 walked with page tokens, ScreenPop by
//    phone. Reference: the same repository SQL on one raw `pg` connection (no gRPC, auth or
//    transaction). API, reference and the use case alone (stderr) take turns in 5 rounds. The
//    screen pop's use case is also timed against the previous reads (three statements in a
//    tenant transaction), interleaved in the same rounds. The plans (EXPLAIN ANALYZE) go to
//    stderr. --reads-only skips 1., for back-to-back runs of a read change.
// Usage: npm run bench -- history [--interactions 5000] [--workspaces 4] [--max-batch 500]
//          [--run 50] [--bulk 1000000] [--calls 1000] [--reads-only]
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE, DevIdentityProvider } from '@contactcenter/auth';
import { commonV1, type EventDefinition, Events, historyV1, protoFile, protoRoot, toTimestamp } from '@contactcenter/contracts';
import { type EventRecord, InProcessEventBus, KafkaEventBus } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { TenantContext, withTenantTransaction } from '@contactcenter/tenancy';
import { createTestDatabase, freePort, stackEndpoints, type TestDatabase, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { IngestHistoryUseCase } from '../../services/interaction-history/src/app/ingest-events/ingest-history.use-case';
import { ResolveIdentityUseCase } from '../../services/interaction-history/src/app/resolve-identity/resolve-identity.use-case';
import { ReadHistoryUseCase } from '../../services/interaction-history/src/app/read-history/read-history.use-case';
import { HistoryEventsConsumer } from '../../services/interaction-history/src/consumers/history-events.consumer';
import { HistoryModule } from '../../services/interaction-history/src/history.module';
import { CustomerRepository } from '../../services/interaction-history/src/persistence/customer.repository';
import { HISTORY_MIGRATIONS } from '../../services/interaction-history/src/persistence/history.migrations';
import { NoteAndCaseRepository } from '../../services/interaction-history/src/persistence/note-and-case.repository';
import { PageCursorCodec } from '../../services/interaction-history/src/domain/page-cursor.codec';
import { ScreenPopRepository } from '../../services/interaction-history/src/persistence/screen-pop.repository';
import { TimelineRepository } from '../../services/interaction-history/src/persistence/timeline.repository';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const config = {
  interactions: arg('interactions', 5_000),
  workspaces: arg('workspaces', 4),
  maxBatch: arg('max-batch', 500),
  run: arg('run', 50),
  bulk: arg('bulk', 1_000_000),
  calls: arg('calls', 1_000),
  publishBatch: 1_000,
  timeoutMs: 300_000,
};
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const log = (message: string) => process.stderr.write(`[bench:history] ${message}\n`);
const round = (n: number) => Math.round(n * 1000) / 1000;
const result = (metric: string, unit: string, value: number, ref: string, refValue: number, extra: object = {}) =>
  process.stdout.write(
    `${JSON.stringify({ bench: 'history', metric, value: round(value), unit, ref, refValue: round(refValue), ratio: round(value / refValue), ...extra })}\n`,
  );
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

async function migrated(prefix: string): Promise<TestDatabase> {
  const db = await createTestDatabase(prefix);
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: HISTORY_MIGRATIONS });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  return db;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

// ---------------------------------------------------------------- 1. ingestion

const INGESTED_TABLES = ['customers', 'customer_identities', 'interactions', 'messages', 'inbox'] as const;

interface TableRows {
  readonly table: string;
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: readonly Record<string, unknown>[];
}

/** Every stored column of a table (generated ones excluded) and its rows, as the admin reads them. */
async function readTable(admin: Client, table: string): Promise<TableRows> {
  const columns = (
    await admin.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
      [`"${table}"`],
    )
  ).rows;
  const rows = (await admin.query(`SELECT * FROM "${table}"`)).rows;
  return { table, columns, rows };
}

/** One multi-row insert of `rows` into the table: one array parameter per column. */
async function insertRows(client: Client, { table, columns }: TableRows, rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const values = columns.map((c) => rows.map((row) => (c.type === 'jsonb' && row[c.name] !== null ? JSON.stringify(row[c.name]) : row[c.name])));
  await client.query(`INSERT INTO "${table}" (${names}) SELECT * FROM unnest(${arrays})`, values);
}

async function benchIngestion(): Promise<void> {
  const brokers = stackEndpoints().kafkaBrokers;
  const db = await migrated('bench_history');
  const dataSource = await new DataSource({ type: 'postgres', url: db.url('app'), extra: { max: 10 } }).initialize();
  const bus = new KafkaEventBus({ brokers, clientId: 'bench-history', logger: quiet });
  const topic = uniqueTopic('bench-history-events');
  const admin = await connect(db.url('admin'));
  let refDb: TestDatabase | undefined;
  try {
    // Creates the topic with the bus's partitions before anything is published to it.
    await (await bus.subscribe({ groupId: uniqueGroup('bench-history-setup'), topics: [topic], handler: async () => undefined })).close();

    const scopes = Array.from({ length: config.workspaces }, (_, i) => ({ workspaceId: `bench-ws-${i}`, tenantId: `bench-tenant-${i}` }));
    const records: EventRecord[] = [];
    const event = <T>(definition: EventDefinition<T>, scope: (typeof scopes)[number], payload: T): EventRecord => ({
      id: randomUUID(),
      type: definition.type,
      topic,
      key: scope.workspaceId,
      time: new Date(T0),
      ...scope,
      payload: definition.codec.encode(payload).finish(),
    });
    const SMS = commonV1.Channel.CHANNEL_SMS;
    // Contacts n and n + returning are of the same tenant and customer: about one in four returns.
    const cycle = config.run * scopes.length;
    const returning = Math.max(cycle, Math.ceil((config.interactions * 3) / 4 / cycle) * cycle);
    for (let n = 0; n < config.interactions; n++) {
      // Runs of `run` contacts per tenant (the bus batches consecutive events of one tenant).
      const scope = scopes[Math.floor(n / config.run) % scopes.length];
      const { tenantId } = scope;
      const t = (seconds: number) => toTimestamp(new Date(T0 + n * 7_000 + seconds * 1000));
      const interactionId = `i-${n}`;
      const queueId = `q-${n % 7}`;
      const agentId = `a-${n % 50}`;
      const phone = `+6681${String(n % returning).padStart(7, '0')}`;
      const attachments: never[] = [];
      records.push(
        event(Events.MessageReceived, scope, { messageId: `m-${n}-in`, tenantId, channelAccountId: 'acct', channel: SMS, providerMessageId: '', conversationKey: '', senderIdentity: phone, text: `Hello, I need help with order ${n}`, attachments, interactionId, receivedAt: t(0) }),
        event(Events.InteractionQueued, scope, { interactionId, tenantId, queueId, channel: SMS, queuedAt: t(1) }),
        event(Events.InteractionAssigned, scope, { interactionId, tenantId, queueId, agentId, assignedAt: t(13), queueTimeMs: 12_000 }),
        event(Events.MessageSent, scope, { messageId: `m-${n}-out`, tenantId, channelAccountId: 'acct', channel: SMS, interactionId, agentId, text: `Order ${n} ships tomorrow`, attachments, sentAt: t(60) }),
        event(Events.InteractionCompleted, scope, { interactionId, tenantId, agentId, completedAt: t(240), holdMs: 0 }),
        event(Events.InteractionWrappedUp, scope, { interactionId, tenantId, queueId, agentId, disposition: 'order-status', notes: `told ship date of order ${n}`, timedOut: false, handleTimeMs: 257_000, wrappedUpAt: t(270) }),
      );
    }
    for (let i = 0; i < records.length; i += config.publishBatch) await bus.publish(records.slice(i, i + config.publishBatch));
    log(`published ${records.length} events to ${topic}`);

    const consumer = new HistoryEventsConsumer({
      dataSource,
      eventBus: bus,
      ingest: new IngestHistoryUseCase(new ResolveIdentityUseCase(), 72 * 3_600_000),
      groupId: uniqueGroup('bench-history'),
      topics: [topic],
      maxBatchSize: config.maxBatch,
    });
    const began = Date.now();
    await consumer.start();
    let processed = 0;
    while (processed < records.length) {
      if (Date.now() - began > config.timeoutMs) throw new Error(`only ${processed} of ${records.length} events processed in time`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      processed = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox')).rows[0].n;
    }
    const seconds = (Date.now() - began) / 1000;
    await consumer.close();

    // The reference writes what the consumer wrote, tenant by tenant, in as many transactions.
    const tables: TableRows[] = [];
    for (const table of INGESTED_TABLES) tables.push(await readTable(admin, table));
    const counts = Object.fromEntries(tables.map((t) => [t.table, t.rows.length]));
    log(`ingested ${records.length} events in ${seconds.toFixed(2)} s: ${JSON.stringify(counts)}`);
    refDb = await migrated('bench_history_ref');
    const raw = await connect(refDb.url('app'));
    const chunks = Math.max(1, Math.ceil(records.length / scopes.length / config.maxBatch));
    const refBegan = Date.now();
    try {
      for (const { workspaceId, tenantId } of scopes) {
        // Rows split evenly over the transactions; an identity goes with its customer (foreign key).
        const own = tables.map((t) => ({ table: t, rows: t.rows.filter((row) => row.tenant_id === tenantId) }));
        const chunkOfCustomer = new Map(own[0].rows.map((row, i) => [row.customer_id, Math.floor((i * chunks) / own[0].rows.length)]));
        const chunkOf = (table: string, row: Record<string, unknown>, i: number, count: number) =>
          table === 'customer_identities' ? chunkOfCustomer.get(row.customer_id)! : Math.floor((i * chunks) / count);
        for (let c = 0; c < chunks; c++) {
          await raw.query('BEGIN');
          await raw.query(`SELECT set_config('app.workspace_id', $1, true), set_config('app.tenant_id', $2, true)`, [workspaceId, tenantId]);
          for (const { table, rows } of own) await insertRows(raw, table, rows.filter((row, i) => chunkOf(table.table, row, i, rows.length) === c));
          await raw.query('COMMIT');
        }
      }
    } finally {
      await raw.end();
    }
    const refSeconds = (Date.now() - refBegan) / 1000;
    result('ingestion.events_per_s', 'events/s', records.length / seconds, 'raw multi-row INSERT ... SELECT FROM unnest of the same rows, events/s equivalent', records.length / refSeconds, {
      events: records.length,
      rows: counts,
      workspaces: config.workspaces,
      maxBatch: config.maxBatch,
      tenantRun: config.run,
      refTransactions: chunks * scopes.length,
    });
  } finally {
    await admin.end();
    await bus.close();
    await dataSource.destroy();
    await db.drop();
    await refDb?.drop();
  }
}

// ---------------------------------------------------------------- 2. reads

const TENANT = 'bench-tenant';
const WORKSPACE = 'bench-ws';
const TARGET = '00000000-0000-4000-8000-000000000001';
const TARGET_PHONE = '+66899999999';
const OTHER_CUSTOMERS = 10_000;
const TARGET_INTERACTIONS = 1_000;
const ROUNDS = 5;

/** Bulk rows straight in SQL as the superuser (RLS does not apply to it), then statistics. */
async function loadBulk(admin: Client): Promise<void> {
  const others = config.bulk - TARGET_INTERACTIONS;
  const began = Date.now();
  const record = (id: string, customer: string, at: string) => `jsonb_build_object(
      'interactionId', ${id}, 'customer', jsonb_build_object('value', ${customer}, 'at', ${at}),
      'channel', jsonb_build_object('value', 'voice', 'at', ${at}), 'direction', jsonb_build_object('value', 'inbound', 'at', ${at}),
      'queue', jsonb_build_object('value', 'q-' || (g % 7), 'at', ${at}), 'firstAt', ${at}, 'lastAt', ${at} + 300000, 'queuedAt', ${at},
      'assignments', jsonb_build_array(jsonb_build_object('agentId', 'a-' || (g % 50), 'queueId', 'q-' || (g % 7), 'at', ${at} + 12000)),
      'completions', jsonb_build_array(jsonb_build_object('agentId', 'a-' || (g % 50), 'at', ${at} + 240000)),
      'transfers', '[]'::jsonb, 'recordings', '[]'::jsonb, 'surveys', '[]'::jsonb,
      'wrapUps', jsonb_build_array(jsonb_build_object('agentId', 'a-' || (g % 50), 'queueId', 'q-' || (g % 7), 'disposition', 'order-status',
        'notes', 'told the ship date', 'timedOut', false, 'handleTimeMs', 270000, 'at', ${at} + 270000)))`;
  await admin.query(`SET maintenance_work_mem = '256MB'`);
  await admin.query(
    `INSERT INTO customers (tenant_id, customer_id, display_name, created_at, updated_at)
     SELECT $1, md5('c' || g)::uuid, 'Customer ' || g, to_timestamp($2::bigint / 1000.0), to_timestamp($2::bigint / 1000.0) FROM generate_series(1, $3) g
     UNION ALL SELECT $1, $4::uuid, 'Somchai Jaidee', to_timestamp($2::bigint / 1000.0), to_timestamp($2::bigint / 1000.0)`,
    [TENANT, T0, OTHER_CUSTOMERS, TARGET],
  );
  await admin.query(
    `INSERT INTO customer_identities (tenant_id, kind, value, customer_id, linked_at)
     SELECT $1, 'phone', '+6681' || lpad(g::text, 7, '0'), md5('c' || g)::uuid, to_timestamp($2::bigint / 1000.0) FROM generate_series(1, $3) g
     UNION ALL SELECT $1, 'phone', $5, $4::uuid, to_timestamp($2::bigint / 1000.0)`,
    [TENANT, T0, OTHER_CUSTOMERS, TARGET, TARGET_PHONE],
  );
  // Other customers' contacts one every 30 s; the target's spread over the same year.
  await admin.query(
    `INSERT INTO interactions (tenant_id, interaction_id, customer_id, channel, started_at, record)
     SELECT $1, 'i-' || g, md5('c' || (1 + g % $3))::uuid, 'voice', to_timestamp(($2::bigint + g::bigint * 30000) / 1000.0),
            ${record(`'i-' || g`, `md5('c' || (1 + g % $3))::uuid::text`, `($2::bigint + g::bigint * 30000)`)}
       FROM generate_series(1, $4) g`,
    [TENANT, T0, OTHER_CUSTOMERS, others],
  );
  await admin.query(
    `INSERT INTO interactions (tenant_id, interaction_id, customer_id, channel, started_at, record)
     SELECT $1, 't-' || g, $3::uuid, 'voice', to_timestamp(($2::bigint + g * $5::bigint * 30000) / 1000.0),
            ${record(`'t-' || g`, `$3::text`, `($2::bigint + g * $5::bigint * 30000)`)}
       FROM generate_series(1, $4) g`,
    [TENANT, T0, TARGET, TARGET_INTERACTIONS, Math.floor(others / TARGET_INTERACTIONS)],
  );
  // Messages: three per contact of the target, one per tenth contact of everyone else.
  await admin.query(
    `INSERT INTO messages (tenant_id, message_id, interaction_id, customer_id, channel, direction, agent_id, body, sent_at)
     SELECT $1, 'm-' || g || '-' || k, 't-' || g, $2::uuid, 'sms', CASE WHEN k = 2 THEN 'outbound' ELSE 'inbound' END, NULL,
            'message ' || k || ' about order ' || g, to_timestamp(($3::bigint + g * $5::bigint * 30000 + k * 1000) / 1000.0)
       FROM generate_series(1, $4) g, generate_series(1, 3) k`,
    [TENANT, TARGET, T0, TARGET_INTERACTIONS, Math.floor(others / TARGET_INTERACTIONS)],
  );
  await admin.query(
    `INSERT INTO messages (tenant_id, message_id, interaction_id, customer_id, channel, direction, agent_id, body, sent_at)
     SELECT $1, 'm-' || g, 'i-' || g, md5('c' || (1 + g % $3))::uuid, 'sms', 'inbound', NULL, 'hello about order ' || g, to_timestamp(($2::bigint + g::bigint * 30000) / 1000.0)
       FROM generate_series(10, $4, 10) g`,
    [TENANT, T0, OTHER_CUSTOMERS, others],
  );
  await admin.query(
    `INSERT INTO notes (tenant_id, note_id, customer_id, interaction_id, author_id, body, created_at)
     SELECT $1, md5('n' || g)::uuid, $2::uuid, 't-' || (g * 20), 'a-1', 'called back about order ' || g, to_timestamp(($3::bigint + g * 20 * $4::bigint * 30000) / 1000.0)
       FROM generate_series(1, 50) g`,
    [TENANT, TARGET, T0, Math.floor(others / TARGET_INTERACTIONS)],
  );
  await admin.query(
    `INSERT INTO cases (tenant_id, case_id, customer_id, subject, status, owner_id, created_at, updated_at)
     SELECT $1, md5('k' || g)::uuid, $2::uuid, 'case ' || g, (ARRAY['open', 'pending', 'resolved'])[1 + g % 3], 'a-1', to_timestamp($3::bigint / 1000.0), to_timestamp($3::bigint / 1000.0)
       FROM generate_series(1, 6) g`,
    [TENANT, TARGET, T0],
  );
  await admin.query('VACUUM ANALYZE');
  // Flushes the load now, so its checkpoint does not land in the middle of the measurements.
  await admin.query('CHECKPOINT');
  log(`loaded ${config.bulk} interactions in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

/** An EntityManager over one raw connection: the repositories' SQL, nothing around it. */
function rawManager(client: Client, seen?: { sql: string; params: unknown[] }[]): EntityManager {
  return {
    query: async (sql: string, params: unknown[] = []) => {
      seen?.push({ sql, params });
      return (await client.query(sql, params)).rows;
    },
  } as unknown as EntityManager;
}

/**
 * Times each call `runs` times, the calls taking turns in `ROUNDS` rounds so that load from
 * elsewhere on the machine falls on all of them alike; sorted samples per call.
 */
async function timed(runs: number, ...calls: (() => Promise<unknown>)[]): Promise<number[][]> {
  const samples = calls.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, call] of calls.entries()) {
      for (let n = 0; n < Math.ceil(runs / ROUNDS); n++) {
        const started = process.hrtime.bigint();
        await call();
        samples[i].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  }
  return samples.map((list) => list.sort((a, b) => a - b));
}

/** The API's and the reference's percentiles; the use case alone (no gRPC, no auth) and the load go to stderr. */
function latencyResults(metric: string, samples: number[], ref: string, refSamples: number[], useCase: number[] | undefined, extra: object): void {
  for (const p of [50, 99]) result(`${metric}.p${p}`, 'ms', percentile(samples, p), `${ref} p${p}`, percentile(refSamples, p), { calls: samples.length, loadAvg1m: round(loadavg()[0]), ...extra });
  if (useCase) log(`${metric}: use case without gRPC p50 ${percentile(useCase, 50).toFixed(2)} ms, p99 ${percentile(useCase, 99).toFixed(2)} ms`);
}

async function benchReads(): Promise<void> {
  const db = await migrated('bench_history_read');
  const admin = await connect(db.url('admin'));
  const raw = await connect(db.url('app'));
  const dataSource = await new DataSource({ type: 'postgres', url: db.url('app'), extra: { max: 10 } }).initialize();
  const idp = await DevIdentityProvider.start();
  // The consumer has nothing to do here: an idle in-process bus keeps it off the shared topics.
  const bus = new InProcessEventBus();
  const url = `127.0.0.1:${await freePort()}`;
  @Module({
    imports: [
      ObservabilityModule.forRoot({ serviceName: 'bench-history' }),
      AuthModule.forRoot({ issuer: idp.issuer, audience: DEFAULT_AUDIENCE, jwksUri: idp.jwksUri }),
      HistoryModule.register({ dataSource, eventBus: bus, cursorSecret: 'bench-secret-of-at-least-thirty-two-chars', consumerGroup: 'bench-history-reads' }),
    ],
  })
  class BenchHostModule {}
  const app = await NestFactory.create(BenchHostModule, { logger: false });
  const protoPath = [protoFile('history', 'history_service')];
  app.connectMicroservice({ transport: Transport.GRPC, options: { package: historyV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } }, { inheritAppConfig: true });
  let client: (grpc.Client & Record<string, (request: unknown, metadata: grpc.Metadata, cb: (e: grpc.ServiceError | null, r?: any) => void) => void>) | undefined;
  try {
    await loadBulk(admin);
    await app.startAllMicroservices();
    await app.init();
    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
    const pkg = ((definition.contactcenter as grpc.GrpcObject).history as grpc.GrpcObject).v1 as grpc.GrpcObject;
    client = new (pkg.HistoryService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as typeof client;
    const token = await idp.issueToken({ subject: randomUUID(), workspaceId: WORKSPACE, tenants: [TENANT], roles: ['agent'] });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('x-tenant-id', TENANT);
    const rpc = (method: string, request: unknown) => new Promise<any>((resolve, reject) => client![method](request, metadata, (e, r) => (e ? reject(e) : resolve(r))));

    // The reference runs the repositories' SQL on one raw connection with the tenant set for the session.
    await raw.query(`SELECT set_config('app.workspace_id', $1, false), set_config('app.tenant_id', $2, false)`, [WORKSPACE, TENANT]);
    const timeline = new TimelineRepository();
    const customers = new CustomerRepository();
    const rawTimelinePage = async (manager: EntityManager, after?: { at: number; kind: 'interaction' | 'note'; id: string }) => {
      const liveCustomerId = (await customers.liveId(manager, TENANT, TARGET))!;
      return (await timeline.page(manager, TENANT, { liveCustomerId, channels: [], after, limit: 21 })).slice(0, 20);
    };
    const screenPops = new ScreenPopRepository();
    const rawScreenPop = (manager: EntityManager) => screenPops.pop(manager, { workspaceId: WORKSPACE, tenantId: TENANT }, { kind: 'phone', value: TARGET_PHONE }, 5);
    const manager = rawManager(raw);
    const reads = new ReadHistoryUseCase(dataSource, new PageCursorCodec('bench-secret-of-at-least-thirty-two-chars'));
    const scoped = <T>(work: () => Promise<T>) => TenantContext.run({ workspaceId: WORKSPACE, tenantId: TENANT }, work);
    const phone = { kind: 'phone' as const, value: TARGET_PHONE };

    // Sanity: the API sees the loaded customer, every interaction and note of it, in pages.
    const first = await rpc('getTimeline', { customerId: TARGET });
    if (first.entries.length !== 20 || !first.nextPageToken) throw new Error('the timeline of the bench customer is not there');
    const pop = await rpc('screenPop', { identity: { kind: historyV1.IdentityKind.IDENTITY_KIND_PHONE, value: TARGET_PHONE } });
    if (pop.customer?.customerId !== TARGET || pop.openCases.length !== 4 || pop.recentInteractions.length !== 5) throw new Error('screen pop does not find the bench customer');

    // Plans of the statements behind a page and a screen pop.
    const statements: { sql: string; params: unknown[] }[] = [];
    await rawTimelinePage(rawManager(raw, statements));
    await rawScreenPop(rawManager(raw, statements));
    for (const { sql, params } of statements) {
      const plan = (await raw.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params)).rows.map((row) => row['QUERY PLAN']).join('\n');
      log(`plan of ${sql.replace(/\s+/g, ' ').slice(0, 90)}…\n${plan}\n`);
      if (/Seq Scan on (interactions|messages|customers|customer_identities)\b/.test(plan)) log('WARNING: sequential scan on a large table');
    }

    const warm = Math.max(50, config.calls / 5);
    const timelineCalls = [
      () => rpc('getTimeline', { customerId: TARGET }),
      () => rawTimelinePage(manager),
      () => scoped(() => reads.getTimeline(TENANT, { customerId: TARGET, channels: [] })),
    ];
    await timed(warm, ...timelineCalls);
    const [firstPage, rawFirstPage, useCaseFirstPage] = await timed(config.calls, ...timelineCalls);
    latencyResults('get_timeline.first_page', firstPage, 'same repository SQL on one raw pg connection', rawFirstPage, useCaseFirstPage, { stored: config.bulk, customerInteractions: TARGET_INTERACTIONS, pageSize: 20 });

    // Every page of the customer, each call timed; a walk is 53 pages (1,000 interactions + 50 notes).
    const walks = Math.max(1, Math.round(config.calls / 100));
    const deep: number[] = [];
    const rawDeep: number[] = [];
    let pages = 0;
    for (let w = 0; w < walks; w++) {
      let pageToken = '';
      do {
        const started = process.hrtime.bigint();
        const response = await rpc('getTimeline', { customerId: TARGET, pageToken });
        deep.push(Number(process.hrtime.bigint() - started) / 1e6);
        pageToken = response.nextPageToken;
        pages++;
      } while (pageToken);
      let after: { at: number; kind: 'interaction' | 'note'; id: string } | undefined;
      for (;;) {
        const started = process.hrtime.bigint();
        const page = await rawTimelinePage(manager, after);
        rawDeep.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (page.length < 20) break;
        after = page[page.length - 1].position;
      }
    }
    deep.sort((a, b) => a - b);
    rawDeep.sort((a, b) => a - b);
    latencyResults('get_timeline.every_page', deep, 'same repository SQL on one raw pg connection', rawDeep, undefined, { stored: config.bulk, customerInteractions: TARGET_INTERACTIONS, pageSize: 20, pagesPerWalk: pages / walks });

    // The screen pop as it was read before it became one statement: three statements in a
    // tenant transaction (six round trips), interleaved with the current use case in the same run.
    const notesAndCases = new NoteAndCaseRepository();
    const previousPop = () =>
      scoped(() =>
        withTenantTransaction(dataSource, async (tx) => {
          const customer = (await customers.viewOfIdentity(tx, TENANT, phone))!;
          await notesAndCases.casesOf(tx, TENANT, customer.customerId, ['open', 'pending']);
          await tx.query(
            `SELECT i."interaction_id", i."record", i."case_id",
                    (SELECT count(*)::int FROM "messages" m WHERE m."tenant_id" = i."tenant_id" AND m."interaction_id" = i."interaction_id") AS message_count
               FROM "customers" a
              CROSS JOIN LATERAL (SELECT * FROM "interactions" x WHERE x."tenant_id" = $1 AND x."customer_id" = a."customer_id" ORDER BY x."started_at" DESC, x."interaction_id" DESC LIMIT $3) i
              WHERE a."tenant_id" = $1 AND (a."customer_id" = $2 OR a."merged_into" = $2)
              ORDER BY i."started_at" DESC, i."interaction_id" DESC LIMIT $3`,
            [TENANT, customer.customerId, 5],
          );
        }),
      );
    const identity = { identity: { kind: historyV1.IdentityKind.IDENTITY_KIND_PHONE, value: TARGET_PHONE } };
    const popCalls = [() => rpc('screenPop', identity), () => rawScreenPop(manager), () => scoped(() => reads.screenPop(TENANT, phone, 5)), previousPop];
    await timed(warm, ...popCalls);
    const [screenPop, rawPop, useCasePop, previousUseCasePop] = await timed(config.calls, ...popCalls);
    latencyResults('screen_pop', screenPop, 'same repository SQL on one raw pg connection', rawPop, useCasePop, { stored: config.bulk, customerInteractions: TARGET_INTERACTIONS, recent: 5 });
    latencyResults('screen_pop.use_case', useCasePop, 'previous reads: 3 statements in a tenant transaction', previousUseCasePop, undefined, { stored: config.bulk, customerInteractions: TARGET_INTERACTIONS, recent: 5 });
  } finally {
    client?.close();
    await app.close();
    await bus.close();
    await idp.close();
    await dataSource.destroy();
    await raw.end();
    await admin.end();
    await db.drop();
  }
}

async function main(): Promise<void> {
  // --reads-only: the read latencies alone, for back-to-back A/B runs of a read change.
  if (!process.argv.includes('--reads-only')) await benchIngestion();
  await benchReads();
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
