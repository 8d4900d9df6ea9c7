import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { Events, toTimestamp } from '@contactcenter/contracts';
import { disableRowLevelSecurity, enableRowLevelSecurity, withTenantTransaction, type TenantScope } from '@contactcenter/tenancy';
import type { ConsumedEvent, SubscribeOptions } from '../event-bus.port';
import { handleBatchWithInbox, handleWithInbox } from '../inbox';
import { createInboxMigration } from '../inbox.migration';
import { createOutboxMigration } from '../outbox.migration';
import { OutboxWriter, type RawOutboxEvent } from '../outbox-writer';

/**
 * The end-to-end delivery scenario shared by the integration tests, their child processes and
 * the benchmark: tenants append numbered events through the outbox; a consumer records each
 * (tenant, number) it processes, through the inbox, into `delivery_log`.
 */
class CreateDeliveryLog1767225600100 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE "delivery_log" (
        "received" bigserial PRIMARY KEY,
        "tenant_id" text NOT NULL,
        "seq" integer NOT NULL,
        "event_id" uuid NOT NULL,
        "occurred_at" timestamptz NOT NULL,
        "handled_at" timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await enableRowLevelSecurity(runner, 'delivery_log');
  }

  async down(runner: QueryRunner): Promise<void> {
    await disableRowLevelSecurity(runner, 'delivery_log');
    await runner.query(`DROP TABLE "delivery_log"`);
  }
}

/** Runs the outbox, inbox and delivery-log migrations as the owner role. */
export async function migrateDeliveryScenario(ownerUrl: string): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: ownerUrl,
    migrations: [createOutboxMigration(), createInboxMigration(), CreateDeliveryLog1767225600100],
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

export function appDataSource(url: string, poolSize = 4): DataSource {
  return new DataSource({ type: 'postgres', url, extra: { max: poolSize, application_name: 'delivery-scenario' } });
}

export const scenarioTenants = (count: number): TenantScope[] =>
  Array.from({ length: count }, (_, i) => ({ workspaceId: `ws-${i + 1}-${randomUUID()}`, tenantId: `tenant-${i + 1}-${randomUUID()}` }));

export function numberedEvent(topic: string, scope: TenantScope, seq: number, padding = ''): RawOutboxEvent {
  const time = new Date();
  return {
    type: Events.PingEmitted.type,
    topic,
    time,
    payload: Events.PingEmitted.codec
      .encode({ tenantId: scope.tenantId ?? '', message: `${seq}${padding}`, emittedAt: toTimestamp(time) })
      .finish(),
  };
}

export const sequenceOf = (event: ConsumedEvent) => parseInt(Events.PingEmitted.codec.decode(event.payload).message, 10);

/**
 * Appends `perTenant` numbered events (1..n) for every tenant, the tenants concurrently, each
 * in transactions of `perTransaction` events, as the service role would.
 */
export async function appendNumberedEvents(
  dataSource: DataSource,
  topic: string,
  tenants: readonly TenantScope[],
  perTenant: number,
  perTransaction: number,
  padding = '',
): Promise<void> {
  const writer = new OutboxWriter();
  await Promise.all(
    tenants.map(async (scope) => {
      for (let first = 1; first <= perTenant; first += perTransaction) {
        const count = Math.min(perTransaction, perTenant - first + 1);
        const events = Array.from({ length: count }, (_, i) => numberedEvent(topic, scope, first + i, padding));
        await withTenantTransaction(dataSource, (manager) => writer.append(manager, events), scope);
      }
    }),
  );
}

async function recordDeliveries(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
  await manager.query(
    `INSERT INTO "delivery_log" ("tenant_id", "seq", "event_id", "occurred_at")
     SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::timestamptz[])`,
    [events.map((e) => e.tenantId), events.map(sequenceOf), events.map((e) => e.id), events.map((e) => e.time.toISOString())],
  );
}

export interface DeliveryCounters {
  /** Events handed to the handlers, redeliveries included. */
  seen: number;
  /** Events processed for the first time (not absorbed by the inbox). */
  fresh: number;
}

/** Subscription handlers that record deliveries through the inbox, counting what they see. */
export function recordingHandlers(
  dataSource: DataSource,
  groupId: string,
  counters: DeliveryCounters,
  afterBatch: (events: readonly ConsumedEvent[]) => Promise<void> = async () => undefined,
): Pick<SubscribeOptions, 'handler' | 'batchHandler'> {
  const record = async (manager: EntityManager, events: readonly ConsumedEvent[]) => {
    await recordDeliveries(manager, events);
    counters.fresh += events.length;
  };
  const batch = handleBatchWithInbox(dataSource, groupId, record);
  const single = handleWithInbox(dataSource, groupId, (manager, event) => record(manager, [event]));
  return {
    batchHandler: async (events) => {
      counters.seen += events.length;
      await batch(events);
      await afterBatch(events);
    },
    handler: async (event) => {
      counters.seen += 1;
      await single(event);
    },
  };
}

export interface DeliveryReport {
  readonly total: number;
  readonly outboxLeft: number;
  /** Per tenant, the sequence numbers in the order they were processed. */
  readonly byTenant: Map<string, number[]>;
}

/** Reads what was delivered, as the superuser (row-level security does not apply to it). */
export async function readDeliveryReport(adminUrl: string): Promise<DeliveryReport> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant_id: string; seq: number }>(
      'SELECT "tenant_id", "seq" FROM "delivery_log" ORDER BY "received"',
    );
    const left = await client.query<{ n: string }>('SELECT count(*) AS n FROM "outbox"');
    const byTenant = new Map<string, number[]>();
    for (const row of rows) {
      const list = byTenant.get(row.tenant_id) ?? [];
      list.push(row.seq);
      byTenant.set(row.tenant_id, list);
    }
    return { total: rows.length, outboxLeft: Number(left.rows[0].n), byTenant };
  } finally {
    await client.end();
  }
}
