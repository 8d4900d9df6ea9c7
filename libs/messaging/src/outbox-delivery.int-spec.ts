import { DataSource } from 'typeorm';
import { createTestDatabase, stackEndpoints, uniqueGroup, uniqueTopic, type TestDatabase } from '@contactcenter/testing';
import type { TenantScope } from '@contactcenter/tenancy';
import type { Subscription } from './event-bus.port';
import { KafkaEventBus } from './kafka-event-bus';
import { OutboxRelay } from './outbox-relay';
import { spawnFixture, type ChildFixture } from './testing/child-fixture';
import {
  appDataSource,
  appendNumberedEvents,
  migrateDeliveryScenario,
  readDeliveryReport,
  recordingHandlers,
  scenarioTenants,
  type DeliveryCounters,
} from './testing/delivery-scenario';

const perTenant = 3_334;
const tenantCount = 3;
const total = perTenant * tenantCount;
// Set per test: Jest ignores `testTimeout` inside a project of jest.config.js.
const testTimeoutMs = 150_000;
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };

/**
 * Outbox → relay → Kafka → inbox, with ~10,000 events of three tenants, while the relay or the
 * consumer is SIGKILLed at its worst moment: every event must take effect exactly once and
 * in order per tenant.
 */
describe('outbox delivery through Kafka', () => {
  let db: TestDatabase;
  let app: DataSource;
  let tenants: TenantScope[];
  let topic: string;
  const brokers = stackEndpoints().kafkaBrokers;
  const cleanups: (() => Promise<unknown>)[] = [];

  const expectExactlyOnceInOrder = async () => {
    const report = await readDeliveryReport(db.url('admin'));
    expect(report.outboxLeft).toBe(0);
    expect(report.total).toBe(total);
    for (const scope of tenants) {
      expect(report.byTenant.get(scope.tenantId!)).toEqual(Array.from({ length: perTenant }, (_, i) => i + 1));
    }
  };

  const waitForAll = async (timeoutMs = 90_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const report = await readDeliveryReport(db.url('admin'));
      if (report.total >= total && report.outboxLeft === 0) return;
      if (Date.now() > until) throw new Error(`only ${report.total} of ${total} events arrived (${report.outboxLeft} left in the outbox)`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const child = (file: string, env: Record<string, string>): ChildFixture => {
    const fixture = spawnFixture(file, { CC_DB_URL: '', CC_KAFKA_BROKERS: brokers.join(','), ...env });
    cleanups.push(() => fixture.kill('SIGKILL'));
    return fixture;
  };

  beforeEach(async () => {
    db = await createTestDatabase('outbox_delivery');
    await migrateDeliveryScenario(db.url('owner'));
    app = await appDataSource(db.url('app'), 6).initialize();
    tenants = scenarioTenants(tenantCount);
    topic = uniqueTopic('outbox-delivery');
  }, 60_000);

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await app?.destroy();
    await db?.drop();
  }, 60_000);

  it('delivers exactly once and in order when the relay is SIGKILLed between publishing and committing', async () => {
    const groupId = uniqueGroup('outbox-delivery-a');
    const consumerBus = new KafkaEventBus({ brokers, logger: quiet });
    cleanups.push(() => consumerBus.close());
    const counters: DeliveryCounters = { seen: 0, fresh: 0 };
    const subscription: Subscription = await consumerBus.subscribe({ groupId, topics: [topic], ...recordingHandlers(app, groupId, counters) });
    cleanups.push(() => subscription.close());
    await appendNumberedEvents(app, topic, tenants, perTenant, 100);

    const doomed = child('relay-process.ts', { CC_DB_URL: db.url('relay'), CC_PAUSE_AFTER_BATCHES: '8' });
    await doomed.waitFor('the relay to pause mid-batch', (r) => r.paused === true);
    await doomed.kill('SIGKILL');
    const leftAfterKill = (await readDeliveryReport(db.url('admin'))).outboxLeft;
    child('relay-process.ts', { CC_DB_URL: db.url('relay') });
    await waitForAll();
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The killed relay published 8 batches of 500 and deleted at most 7 (it deletes one batch
    // while publishing the next): the 8th, at least, went out twice.
    expect(leftAfterKill).toBeGreaterThanOrEqual(total - 7 * 500);
    expect(leftAfterKill).toBeLessThanOrEqual(total - 6 * 500);
    expect(counters.seen).toBeGreaterThanOrEqual(total + 500);
    expect(counters.fresh).toBe(total);
    await expectExactlyOnceInOrder();
  }, testTimeoutMs);

  it('delivers exactly once and in order when the consumer is SIGKILLed before committing offsets', async () => {
    const groupId = uniqueGroup('outbox-delivery-b');
    const relayBus = new KafkaEventBus({ brokers, logger: quiet });
    const relay = new OutboxRelay({ connectionString: db.url('relay'), bus: relayBus, pollIntervalMs: 200, logger: quiet });
    cleanups.push(() => relayBus.close(), () => relay.close());
    const consumerEnv = { CC_DB_URL: db.url('app'), CC_TOPIC: topic, CC_GROUP: groupId };
    const doomed = child('consumer-process.ts', { ...consumerEnv, CC_STALL_AFTER_EVENTS: '4000' });
    await doomed.waitFor('the consumer to join', (r) => r.ready === true);
    relay.start();
    await appendNumberedEvents(app, topic, tenants, perTenant, 100);

    const stall = await doomed.waitFor('the consumer to stall after its database commit', (r) => r.stalled === true);
    await doomed.kill('SIGKILL');
    // Counted in the database, not from the child's reports: partitions are handled
    // concurrently, so another batch may commit after the first stall report.
    const deliveredBeforeRestart = (await readDeliveryReport(db.url('admin'))).total;
    const restarted = child('consumer-process.ts', consumerEnv);
    await waitForAll();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const last = restarted.reports[restarted.reports.length - 1];

    expect(stall.fresh).toBeGreaterThanOrEqual(4000);
    // The restarted consumer got the processed-but-uncommitted events again; the inbox absorbed them.
    expect(Number(last.seen)).toBeGreaterThan(Number(last.fresh));
    expect(deliveredBeforeRestart).toBeGreaterThanOrEqual(Number(stall.fresh));
    expect(deliveredBeforeRestart + Number(last.fresh)).toBe(total);
    await expectExactlyOnceInOrder();
  }, testTimeoutMs);
});
