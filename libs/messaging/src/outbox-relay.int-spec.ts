import { randomUUID } from 'node:crypto';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Events, Topics } from '@contactcenter/contracts';
import { createTestDatabase, type TestDatabase } from '@contactcenter/testing';
import { withTenantTransaction, type TenantScope } from '@contactcenter/tenancy';
import type { ConsumedEvent, EventRecord } from './event-bus.port';
import { handleWithInbox, Inbox } from './inbox';
import { createInboxMigration } from './inbox.migration';
import { createOutboxMigration } from './outbox.migration';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';
import { appDataSource, migrateDeliveryScenario, numberedEvent, scenarioTenants } from './testing/delivery-scenario';

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };

class RecordingBus {
  readonly records: EventRecord[] = [];
  constructor(private readonly delayMs = 0) {}
  async publish(records: readonly EventRecord[]): Promise<void> {
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.delayMs));
    this.records.push(...records);
  }
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const eventually = async (what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe(OutboxRelay.name, () => {
  let db: TestDatabase;
  let app: DataSource;
  const writer = new OutboxWriter();
  const topic = 'outbox-relay-test';
  const relays: OutboxRelay[] = [];
  const newRelay = (bus: RecordingBus, options: { batchSize?: number; pollIntervalMs?: number } = {}) => {
    const relay = new OutboxRelay({ connectionString: db.url('relay'), bus, logger: quiet, ...options });
    relays.push(relay);
    return relay;
  };
  const outboxCount = async () => Number((await query<{ n: string }>(db.url('admin'), 'SELECT count(*) AS n FROM outbox'))[0].n);

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    db = await createTestDatabase('outbox_relay');
    await migrateDeliveryScenario(db.url('owner'));
    app = await appDataSource(db.url('app')).initialize();
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await query(db.url('admin'), 'TRUNCATE outbox, inbox, delivery_log');
  });

  afterAll(async () => {
    await app?.destroy();
    await db?.drop();
    context.disable();
    propagation.disable();
  });

  it('seals outbox rows by tenant for the service role and shows every row to the relay role', async () => {
    const [a, b] = scenarioTenants(2);
    await withTenantTransaction(app, (m) => writer.append(m, [numberedEvent(topic, a, 1), numberedEvent(topic, a, 2)]), a);
    await withTenantTransaction(app, (m) => writer.append(m, [numberedEvent(topic, b, 1)]), b);

    const seenByA = await withTenantTransaction(app, (m) => m.query('SELECT tenant_id FROM outbox'), a);
    const seenByRelay = await query<{ tenant_id: string }>(db.url('relay'), 'SELECT tenant_id FROM outbox');
    const foreignWrite = withTenantTransaction(app, (m) => writer.append(m, [{ ...numberedEvent(topic, b, 2), ...b }]), a);

    expect(seenByA).toEqual([{ tenant_id: a.tenantId }, { tenant_id: a.tenantId }]);
    expect(seenByRelay).toHaveLength(3);
    await expect(foreignWrite).rejects.toThrow(/row-level security/);
  });

  it('publishes rows in seq order with their metadata, then deletes them', async () => {
    const [scope] = scenarioTenants(1);
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '1a2b3c4d5e6f7081', traceFlags: TraceFlags.SAMPLED });
    const id = randomUUID();
    const ping = { tenantId: scope.tenantId!, message: 'hello', emittedAt: undefined };
    await context.with(parent, () =>
      withTenantTransaction(
        app,
        (m) =>
          writer.append(m, [
            { definition: Events.PingEmitted, payload: ping, id, headers: { 'x-extra': '1' } },
            numberedEvent(topic, scope, 2),
          ]),
        scope,
      ),
    );
    const bus = new RecordingBus();
    const sut = newRelay(bus);

    const published = await sut.relayBatch();

    expect(published).toBe(2);
    expect(await outboxCount()).toBe(0);
    const [first, second] = bus.records;
    expect(first).toMatchObject({
      id,
      type: Events.PingEmitted.type,
      topic: Topics.platform,
      key: scope.workspaceId,
      workspaceId: scope.workspaceId,
      tenantId: scope.tenantId,
      traceparent: `00-${traceId}-1a2b3c4d5e6f7081-01`,
      headers: { 'x-extra': '1' },
    });
    expect(Events.PingEmitted.codec.decode(first.payload)).toEqual(ping);
    expect(second).toMatchObject({ topic, type: Events.PingEmitted.type });
    expect(second.headers).toBeUndefined();
  });

  it('publishes from one leader at a time, a standby taking over when the leader stops', async () => {
    const tenants = scenarioTenants(3);
    const append = (from: number, count: number) =>
      Promise.all(
        tenants.map((scope) =>
          withTenantTransaction(app, (m) => writer.append(m, Array.from({ length: count }, (_, i) => numberedEvent(topic, scope, from + i))), scope),
        ),
      );
    const first = new RecordingBus();
    const second = new RecordingBus();
    const leader = newRelay(first, { batchSize: 50, pollIntervalMs: 20 });
    const standby = newRelay(second, { batchSize: 50, pollIntervalMs: 20 });
    leader.start();
    await eventually('the first relay to lead', async () => {
      const locks = await query<{ n: string }>(db.url('admin'), `SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`);
      return Number(locks[0].n) === 1;
    });
    standby.start();

    await append(1, 100);
    await eventually('an empty outbox', async () => (await outboxCount()) === 0);
    await leader.close();
    await append(101, 100);
    await eventually('an empty outbox again', async () => (await outboxCount()) === 0);

    expect(first.records).toHaveLength(300);
    expect(second.records).toHaveLength(300);
  });

  it('keeps every key in order when two relays run at once', async () => {
    const tenants = scenarioTenants(3);
    const perTenant = 300;
    await Promise.all(
      tenants.map(async (scope) => {
        for (let n = 1; n <= perTenant; n += 20) {
          const events = Array.from({ length: 20 }, (_, i) => numberedEvent(topic, scope, n + i));
          await withTenantTransaction(app, (m) => writer.append(m, events), scope);
        }
      }),
    );
    const bus = new RecordingBus(15);
    const relaysStarted = [newRelay(bus, { batchSize: 50, pollIntervalMs: 5 }), newRelay(bus, { batchSize: 50, pollIntervalMs: 5 })];

    relaysStarted.forEach((r) => r.start());
    await eventually('an empty outbox', async () => (await outboxCount()) === 0);

    expect(bus.records).toHaveLength(tenants.length * perTenant);
    for (const scope of tenants) {
      const sequence = bus.records
        .filter((r) => r.key === scope.workspaceId)
        .map((r) => parseInt(Events.PingEmitted.codec.decode(r.payload).message, 10));
      expect(sequence).toEqual(Array.from({ length: perTenant }, (_, i) => i + 1));
    }
  });

  it('wakes on the outbox NOTIFY instead of waiting for its poll', async () => {
    const [scope] = scenarioTenants(1);
    const bus = new RecordingBus();
    newRelay(bus, { pollIntervalMs: 60_000 }).start();
    await new Promise((resolve) => setTimeout(resolve, 300));

    await withTenantTransaction(app, (m) => writer.append(m, [numberedEvent(topic, scope, 1)]), scope);

    await eventually('the event', () => bus.records.length === 1, 3_000);
  });

  describe(handleWithInbox.name, () => {
    const event = (scope: TenantScope): ConsumedEvent => ({
      id: randomUUID(),
      type: 't',
      topic,
      key: scope.workspaceId,
      time: new Date(),
      workspaceId: scope.workspaceId,
      tenantId: scope.tenantId!,
      payload: new Uint8Array(),
      partition: 0,
      offset: '0',
    });
    const logRow = (group: string) => async (manager: import('typeorm').EntityManager, e: ConsumedEvent) => {
      await manager.query('INSERT INTO delivery_log (tenant_id, seq, event_id, occurred_at) VALUES ($1, 0, $2, now())', [e.tenantId, e.id]);
      if (group === 'failing') throw new Error('handler failed');
    };

    it('runs once per event and group, in one transaction with the handler’s changes', async () => {
      const [scope] = scenarioTenants(1);
      const e = event(scope);
      const sut = handleWithInbox(app, 'g1', logRow('g1'));

      await sut(e);
      await sut(e);
      await handleWithInbox(app, 'g2', logRow('g2'))(e);
      await expect(handleWithInbox(app, 'failing', logRow('failing'))(e)).rejects.toThrow('handler failed');

      const rows = await query<{ n: string }>(db.url('admin'), 'SELECT count(*) AS n FROM delivery_log WHERE event_id = $1', [e.id]);
      const marks = await query<{ consumer_group: string }>(db.url('admin'), 'SELECT consumer_group FROM inbox ORDER BY 1');
      expect(Number(rows[0].n)).toBe(2);
      expect(marks.map((m) => m.consumer_group)).toEqual(['g1', 'g2']);
    });

    it('marks events and evaluates a side expression in one statement, and folds prepared outbox rows into another', async () => {
      const [scope] = scenarioTenants(1);
      const [a, b] = [event(scope), event(scope)];

      const first = await withTenantTransaction(app, (m) => Inbox.markWith<ConsumedEvent, number>(m, 'g3', [a, a], { expression: 'SELECT $4::int + 1', params: [41] }), scope);
      const second = await withTenantTransaction(app, (m) => Inbox.markWith<ConsumedEvent, number>(m, 'g3', [a, b], { expression: 'SELECT 0', params: [] }), scope);
      const ids = await withTenantTransaction(
        app,
        async (m) => {
          const rows = await writer.prepare(m, [numberedEvent(topic, scope, 1), numberedEvent(topic, scope, 2)]);
          await m.query(`WITH "written" AS (${rows.insert(2)}) SELECT $1::int AS "n"`, [7, ...rows.params]);
          return rows.ids;
        },
        scope,
      );

      expect([first.fresh.map((e) => e.id), first.value]).toEqual([[a.id], 42]);
      expect(second.fresh.map((e) => e.id)).toEqual([b.id]);
      const written = await query<{ id: string }>(db.url('admin'), 'SELECT id FROM outbox ORDER BY seq');
      expect(written.map((row) => row.id)).toEqual(ids);
    });
  });
});

describe('outbox and inbox migrations', () => {
  it('are reversible', async () => {
    const db = await createTestDatabase('outbox_migrations');
    const sut = new DataSource({
      type: 'postgres',
      url: db.url('owner'),
      migrations: [createOutboxMigration(), createInboxMigration()],
    });
    await sut.initialize();
    const tables = async () =>
      (await sut.query(`SELECT tablename FROM pg_tables WHERE tablename IN ('outbox', 'inbox') ORDER BY 1`)).map(
        (r: { tablename: string }) => r.tablename,
      );
    try {
      await sut.runMigrations();
      expect(await tables()).toEqual(['inbox', 'outbox']);
      await sut.undoLastMigration();
      await sut.undoLastMigration();
      expect(await tables()).toEqual([]);
      await sut.runMigrations();
      expect(await tables()).toEqual(['inbox', 'outbox']);
    } finally {
      await sut.destroy();
      await db.drop();
    }
  });
});
