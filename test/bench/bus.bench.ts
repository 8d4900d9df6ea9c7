// Event bus benchmark on the real local stack: our path (outbox append in transactions → relay
// → Kafka → consumer with inbox) against raw kafkajs (producer → consumer) on the same broker,
// with the same message size, headers and count.
// - Throughput: bursts of `count` events, the paths taking turns for `rounds` rounds so that
//   load from elsewhere on the machine hits both alike; the median round counts.
// - End-to-end latency: a paced load (in a burst latency only measures the backlog).
// As deployed, our relay runs in its own process. Raw kafkajs is measured both with its
// producer in its own process and in the consumer's process; the faster is the reference.
// Usage: npm run bench -- bus [--count 20000] [--rounds 3] [--rate 600] [--seconds 5] [--relay-batch 500]
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, type Consumer, type Message } from 'kafkajs';
import { Events } from '@contactcenter/contracts';
import {
  EventHeaders,
  handleBatchWithInbox,
  handleWithInbox,
  KafkaEventBus,
  OutboxWriter,
  type ConsumedEvent,
} from '@contactcenter/messaging';
import { withTenantTransaction, type TenantScope } from '@contactcenter/tenancy';
import { createTestDatabase, stackEndpoints, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
// Test fixtures of the messaging library, not part of its API.
import { spawnFixture, type ChildFixture } from '../../libs/messaging/src/testing/child-fixture';
import { appDataSource, migrateDeliveryScenario, numberedEvent, scenarioTenants } from '../../libs/messaging/src/testing/delivery-scenario';
import { paced } from './pacing';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const config = {
  count: arg('count', 20_000),
  rounds: arg('rounds', 3),
  rate: arg('rate', 600),
  seconds: arg('seconds', 5),
  relayBatch: arg('relay-batch', 500),
  tenants: 3,
  perTransaction: 100,
  payloadBytes: 256,
  tickMs: 20,
  phaseTimeoutMs: 120_000,
};
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const log = (message: string) => process.stderr.write(`[bench:bus] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Counts handled events and, while recording, the end-to-end latency of each. */
class Meter {
  handled = 0;
  recording = false;
  readonly latencies: number[] = [];

  observe(count: number, sentAt: (i: number) => number): void {
    const now = Date.now();
    this.handled += count;
    if (this.recording) for (let i = 0; i < count; i++) this.latencies.push(now - sentAt(i));
  }

  async until(target: number, what: string): Promise<void> {
    const deadline = Date.now() + config.phaseTimeoutMs;
    while (this.handled < target) {
      if (Date.now() > deadline) throw new Error(`${what}: only ${this.handled} of ${target} events handled in time`);
      await sleep(2);
    }
  }

  percentile(p: number): number {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
}

/** One way from producer to consumer, ready to be driven. */
interface BusPath {
  readonly name: string;
  readonly meter: Meter;
  /** Sends `perTenant` events for each tenant as fast as it can. */
  burst(perTenant: number): Promise<void>;
  /** Sends `perTenantPerTick` events per tenant every tick for the paced phase; how many in all. */
  paced(perTenantPerTick: number): Promise<number>;
}

async function runBurst(path: BusPath, perTenant: number): Promise<number> {
  const started = Date.now();
  const target = path.meter.handled + perTenant * config.tenants;
  await path.burst(perTenant);
  await path.meter.until(target, `${path.name} burst`);
  return (perTenant * config.tenants) / ((Date.now() - started) / 1000);
}

async function runPaced(path: BusPath): Promise<{ p50: number; p99: number }> {
  const perTenantPerTick = Math.max(1, Math.round((config.rate * config.tickMs) / 1000 / config.tenants));
  const start = path.meter.handled;
  path.meter.recording = true;
  const sent = await path.paced(perTenantPerTick);
  await path.meter.until(start + sent, `${path.name} paced`);
  path.meter.recording = false;
  return { p50: path.meter.percentile(50), p99: path.meter.percentile(99) };
}

type Closers = (() => Promise<unknown>)[];

async function outboxPath(brokers: string[], closers: Closers): Promise<BusPath> {
  const db = await createTestDatabase('bench_bus');
  closers.unshift(() => db.drop());
  await migrateDeliveryScenario(db.url('owner'));
  const app = await appDataSource(db.url('app'), 8).initialize();
  closers.unshift(() => app.destroy());
  const topic = uniqueTopic('bench-bus-outbox');
  const groupId = uniqueGroup('bench-bus-outbox');
  const meter = new Meter();
  const consumerBus = new KafkaEventBus({ brokers, clientId: 'bench-consumer', logger: quiet });
  closers.unshift(() => consumerBus.close());
  // The consumer does only what our path adds: the inbox mark, in a tenant transaction.
  const batchWithInbox = handleBatchWithInbox(app, groupId, async () => undefined);
  const oneWithInbox = handleWithInbox(app, groupId, async () => undefined);
  const observe = (events: readonly ConsumedEvent[]) => meter.observe(events.length, (i) => events[i].time.getTime());
  await consumerBus.subscribe({
    groupId,
    topics: [topic],
    maxBatchSize: 1_000,
    batchHandler: async (events) => {
      await batchWithInbox(events);
      observe(events);
    },
    handler: async (event) => {
      await oneWithInbox(event);
      observe([event]);
    },
  });
  const relay = spawnFixture('relay-process.ts', {
    CC_DB_URL: db.url('relay'),
    CC_KAFKA_BROKERS: brokers.join(','),
    CC_RELAY_BATCH_SIZE: String(config.relayBatch),
  });
  closers.unshift(() => relay.kill('SIGTERM'));
  await relay.waitFor('the relay', (r) => r.ready === true);

  const tenants = scenarioTenants(config.tenants);
  const padding = 'x'.repeat(config.payloadBytes - numberedEvent(topic, tenants[0], 1).payload.length - 1);
  // Encoded once, as the raw path's value is: the benchmark measures the bus, not protobuf.
  const payload = numberedEvent(topic, tenants[0], 1, padding).payload;
  const writer = new OutboxWriter();
  const append = (scope: TenantScope, count: number) =>
    withTenantTransaction(
      app,
      (m) => writer.append(m, Array.from({ length: count }, () => ({ ...scope, type: Events.PingEmitted.type, topic, payload, time: new Date() }))),
      scope,
    );

  return {
    name: 'outbox',
    meter,
    burst: async (perTenant) => {
      await Promise.all(
        tenants.map(async (scope) => {
          for (let sent = 0; sent < perTenant; sent += config.perTransaction) {
            await append(scope, Math.min(config.perTransaction, perTenant - sent));
          }
        }),
      );
    },
    paced: async (perTick) =>
      (await paced(config.tickMs, config.seconds, () => Promise.all(tenants.map((scope) => append(scope, perTick))))) *
      perTick *
      tenants.length,
  };
}

/** The raw consumer, shared by both raw producers: it only counts and times what arrives. */
async function rawConsumer(kafka: Kafka, topic: string, meter: Meter, closers: Closers): Promise<void> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueGroup('bench-bus-raw'), maxWaitTimeInMs: 1_000 });
  closers.unshift(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => meter.observe(batch.messages.length, (i) => Number(batch.messages[i].headers!.sent!.toString())),
  });
  await joined;
}

async function rawChildPath(brokers: string[], topic: string, keys: string[], meter: Meter, closers: Closers): Promise<BusPath> {
  const child: ChildFixture = spawnFixture(join(__dirname, 'raw-producer-process.ts'), {
    CC_KAFKA_BROKERS: brokers.join(','),
    CC_TOPIC: topic,
    CC_KEYS: keys.join(','),
    CC_PAYLOAD_BYTES: String(config.payloadBytes),
  });
  closers.unshift(async () => {
    child.process.stdin?.end();
    await child.kill('SIGTERM');
  });
  await child.waitFor('the raw producer', (r) => r.ready === true);
  let commands = 0;
  // The child answers commands in order: the n-th "sent" report answers the n-th command.
  const command = async (body: Record<string, unknown>) => {
    const index = ++commands;
    child.send(body);
    const answers = () => child.reports.filter((r) => r.sent !== undefined);
    await child.waitFor('the raw producer', () => answers().length >= index, config.phaseTimeoutMs);
    return Number(answers()[index - 1].sent);
  };
  return {
    name: 'raw (producer process)',
    meter,
    burst: async (perTenant) => void (await command({ send: perTenant * keys.length, batch: config.relayBatch })),
    paced: (perTick) => command({ pacedPerTick: perTick * keys.length, tickMs: config.tickMs, seconds: config.seconds }),
  };
}

async function rawInProcessPath(kafka: Kafka, topic: string, keys: string[], meter: Meter, closers: Closers): Promise<BusPath> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  closers.unshift(() => producer.disconnect());
  await producer.connect();
  const value = Buffer.alloc(config.payloadBytes, 0x78);
  // The same headers as our path carries, so records have the same size on the wire.
  const message = (key: string): Message => ({
    key,
    value,
    headers: {
      [EventHeaders.id]: randomUUID(),
      [EventHeaders.type]: Events.PingEmitted.type,
      [EventHeaders.time]: new Date().toISOString(),
      [EventHeaders.workspaceId]: key,
      [EventHeaders.tenantId]: key,
      sent: String(Date.now()),
    },
  });
  const send = (count: number) =>
    producer.send({ topic, messages: Array.from({ length: count }, (_, i) => message(keys[i % keys.length])) });
  return {
    name: 'raw (one process)',
    meter,
    burst: async (perTenant) => {
      const count = perTenant * keys.length;
      for (let sent = 0; sent < count; sent += config.relayBatch) await send(Math.min(config.relayBatch, count - sent));
    },
    paced: async (perTick) => (await paced(config.tickMs, config.seconds, () => send(perTick * keys.length))) * perTick * keys.length,
  };
}

function result(metric: string, unit: string, value: number, refValue: number): string {
  const round = (n: number) => Math.round(n * 100) / 100;
  return JSON.stringify({
    bench: 'bus',
    metric: `outbox_kafka.${metric}`,
    value: round(value),
    unit,
    ref: `kafkajs.raw.${metric}`,
    refValue: round(refValue),
    ratio: round(value / refValue),
  });
}

async function main(): Promise<void> {
  const brokers = stackEndpoints().kafkaBrokers;
  const deadline = setTimeout(() => {
    log('gave up: the benchmark took too long');
    process.exit(1);
  }, 8 * config.phaseTimeoutMs);
  const closers: Closers = [];
  try {
    const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.ERROR });
    const rawTopic = uniqueTopic('bench-bus-raw');
    // Creates the topic with the same partitions as our path's; consuming is plain kafkajs.
    const setup = new KafkaEventBus({ brokers, logger: quiet });
    await (await setup.subscribe({ groupId: uniqueGroup('bench-bus-setup'), topics: [rawTopic], handler: async () => undefined })).close();
    await setup.close();
    const rawMeter = new Meter();
    await rawConsumer(kafka, rawTopic, rawMeter, closers);
    const keys = scenarioTenants(config.tenants).map((t) => t.workspaceId);
    const paths = [
      await outboxPath(brokers, closers),
      await rawChildPath(brokers, rawTopic, keys, rawMeter, closers),
      await rawInProcessPath(kafka, rawTopic, keys, rawMeter, closers),
    ];

    for (const path of paths) {
      log(`${path.name}: warm-up`);
      await runBurst(path, 2_000);
    }
    const perTenant = Math.ceil(config.count / config.tenants);
    const rounds = new Map<BusPath, number[]>(paths.map((p) => [p, []]));
    for (let round = 1; round <= config.rounds; round++) {
      for (const path of paths) {
        const throughput = await runBurst(path, perTenant);
        rounds.get(path)!.push(throughput);
        log(`round ${round}: ${path.name} ${Math.round(throughput)} events/s (burst of ${perTenant * config.tenants})`);
      }
    }
    const [ours, ...raws] = paths;
    const reference = raws.reduce((best, p) => (median(rounds.get(p)!) > median(rounds.get(best)!) ? p : best));
    log(`reference: ${reference.name}; paced ${config.rate}/s for ${config.seconds}s`);
    const ourLatency = await runPaced(ours);
    const refLatency = await runPaced(reference);

    clearTimeout(deadline);
    process.stdout.write(
      [
        result('throughput', '1/s', median(rounds.get(ours)!), median(rounds.get(reference)!)),
        result('latency.p50', 'ms', ourLatency.p50, refLatency.p50),
        result('latency.p99', 'ms', ourLatency.p99, refLatency.p99),
      ].join('\n') + '\n',
    );
  } finally {
    for (const close of closers) await close().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
