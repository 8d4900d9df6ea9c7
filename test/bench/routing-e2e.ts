// End-to-end part of the routing benchmark: InteractionRequested published on real Kafka →
// routing (its own process: consumer, engine, Postgres journal + outbox transaction) → offer on
// the agent's gRPC StreamWork, timed in this process from just before publish() to the offer's
// arrival. Workload: `workspaces` workspaces (spread over the interaction topic's partitions),
// each with one chat queue and `agents` logged-in agents of ample chat capacity; every contact
// finds a free agent at once, and agents leave offers pending (10 min timeout), so the path
// measured is the request's alone. Paced at `rate` contacts/s for `seconds` after a warm-up.
// Reference in the same run, on the same broker, at the same rate and with the same consumer
// settings: raw kafkajs, producer.send (acks all) → consumer eachMessage.
// Other tests consume the shared interaction topic, so routing runs on topics of its own
// (KafkaEventBusOptions.topicNames) with the shared topic's partition count: nothing here
// writes to a shared topic.
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DevIdentityProvider } from '@contactcenter/auth';
import { commonV1, Events, Topics, toTimestamp } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';
import { createTestDatabase, freePort, newTenantId, newWorkspaceId, stackEndpoints, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { ROUTING_MIGRATIONS } from '../../services/routing/src/persistence/routing.migrations';
import { bearer, routingClients, unary } from '../../services/routing/src/testing/routing-clients';
import { spawnRoutingInstance } from '../../services/routing/src/testing/routing-instance.fixture';
import { paced } from './pacing';

export interface EndToEndOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly warmUpSeconds: number;
  readonly workspaces: number;
  readonly agents: number;
  readonly log: (message: string) => void;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
  readonly lost: number;
}

const OFFER_TIMEOUT_MS = 600_000;
const quiet = { warn: () => undefined, error: () => undefined };
const { CHANNEL_CHAT: CHAT } = commonV1.Channel;

export function summariseLatencies(sent: ReadonlyMap<string, number>, received: ReadonlyMap<string, number>): LatencySummary {
  const latencies = [...sent].flatMap(([id, at]) => (received.has(id) ? [received.get(id)! - at] : [])).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), count: latencies.length, lost: sent.size - latencies.length };
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Raw kafkajs on a fresh topic with the interaction topic's partition count. */
async function rawKafka(options: EndToEndOptions, brokers: string[], partitions: number): Promise<LatencySummary> {
  const kafka = new Kafka({ clientId: 'bench-routing-raw', brokers, logLevel: logLevel.NOTHING });
  const topic = uniqueTopic('bench-routing-raw');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: uniqueGroup('bench-routing-raw'), maxWaitTimeInMs: 100 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const received = new Map<string, number>();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async ({ message }) => void received.set(message.key!.toString() + message.value!.toString(), Date.now()) });
  await joined;
  const sent = new Map<string, number>();
  const keys = Array.from({ length: options.workspaces }, () => newWorkspaceId());
  let n = 0;
  const send = async (measured: boolean) => {
    const key = keys[n % keys.length];
    const value = `m-${n++}`;
    const at = Date.now();
    if (measured) sent.set(key + value, at);
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
  };
  await paced(1_000 / options.rate, options.warmUpSeconds, () => send(false));
  await paced(1_000 / options.rate, options.seconds, () => send(true));
  await until(() => [...sent.keys()].every((id) => received.has(id)), 30_000);
  await consumer.disconnect();
  await producer.disconnect();
  return summariseLatencies(sent, received);
}

/** Requests published → offers on the agents' streams, through one routing process. */
async function throughRouting(options: EndToEndOptions, brokers: string[], partitions: number): Promise<LatencySummary> {
  const db = await createTestDatabase('bench_routing');
  const idp = await DevIdentityProvider.start();
  const topicNames = Object.fromEntries(
    [Topics.interaction, Topics.routingCommands, Topics.routingWork].map((topic) => [topic, uniqueTopic('bench-routing')]),
  );
  const bus = new KafkaEventBus({ brokers, clientId: 'bench-routing', logger: quiet, topicNames, partitions });
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: ROUTING_MIGRATIONS });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  const instance = spawnRoutingInstance({
    dbUrl: db.url('app'),
    relayDbUrl: db.url('relay'),
    kafkaBrokers: brokers,
    group: uniqueGroup('bench-routing'),
    issuer: idp.issuer,
    jwksUri: idp.jwksUri,
    grpcUrl: `127.0.0.1:${await freePort()}`,
    instanceId: 'bench',
    snapshotEvery: 100,
    topicNames,
    partitions,
  });
  const streams: grpc.ClientReadableStream<unknown>[] = [];
  const { agent, admin, close } = routingClients(instance.grpcUrl);
  try {
    await instance.ready();
    const received = new Map<string, number>();
    // When the engine decided (the offer's expiry minus its timeout): splits the latency into
    // before routing decided (Kafka, consumer) and after (commit, stream).
    const decided = new Map<string, number>();
    const workspaces = Array.from({ length: options.workspaces }, () => ({ workspaceId: newWorkspaceId(), tenantId: newTenantId() }));
    for (const { workspaceId, tenantId } of workspaces) {
      const supervisor = bearer(await idp.issueToken({ subject: randomUUID(), workspaceId, tenants: [tenantId], roles: ['supervisor'] }), tenantId);
      await unary(admin, 'putQueue', { queue: { queueId: 'q', name: 'Q', channels: [CHAT], offerTimeoutMs: OFFER_TIMEOUT_MS } }, supervisor);
      for (let a = 0; a < options.agents; a++) {
        const agentId = randomUUID();
        await unary(admin, 'putAgentProfile', { profile: { agentId, tenantIds: [tenantId], queues: [{ queueId: 'q', priority: 1 }], capacity: [{ channel: CHAT, maxConcurrent: 100_000 }] } }, supervisor);
        const token = await idp.issueToken({ subject: agentId, workspaceId, tenants: [tenantId], roles: ['agent'] });
        await unary(agent, 'login', { channels: [CHAT] }, bearer(token));
        const stream = agent.StreamWork({}, bearer(token));
        stream.on('data', (message: { event: string; offered?: { interactionId: string; expiresAt: { seconds: number; nanos: number } } }) => {
          if (message.event !== 'offered') return;
          const { interactionId, expiresAt } = message.offered!;
          received.set(interactionId, Date.now());
          decided.set(interactionId, expiresAt.seconds * 1_000 + Math.floor(expiresAt.nanos / 1e6) - OFFER_TIMEOUT_MS);
        });
        stream.on('error', () => undefined);
        streams.push(stream);
      }
    }
    options.log(`routing e2e: ${workspaces.length} workspaces with ${options.agents} agents each are logged in and streaming`);
    const sent = new Map<string, number>();
    let n = 0;
    const request = async (measured: boolean) => {
      const { workspaceId, tenantId } = workspaces[n % workspaces.length];
      const interactionId = `c-${n++}`;
      const at = Date.now();
      if (measured) sent.set(interactionId, at);
      await bus.publish([
        {
          id: randomUUID(),
          type: Events.InteractionRequested.type,
          topic: Topics.interaction,
          key: workspaceId,
          time: new Date(at),
          workspaceId,
          tenantId,
          payload: Events.InteractionRequested.codec
            .encode({ interactionId, tenantId, workspaceId, channel: CHAT, direction: commonV1.Direction.DIRECTION_INBOUND, queueId: 'q', priority: 0, requiredSkills: {}, customerIdentity: '', preferredAgentId: '', requestedAt: toTimestamp(new Date(at)) })
            .finish(),
        },
      ]);
    };
    await paced(1_000 / options.rate, options.warmUpSeconds, () => request(false));
    await until(() => received.size >= n, 30_000);
    await paced(1_000 / options.rate, options.seconds, () => request(true));
    await until(() => [...sent.keys()].every((id) => received.has(id)), 60_000);
    const before = summariseLatencies(sent, decided);
    const after = summariseLatencies(new Map([...sent.keys()].flatMap((id) => (decided.has(id) ? [[id, decided.get(id)!] as const] : []))), received);
    options.log(`routing e2e split: published → engine decided p50 ${before.p50} ms, p99 ${before.p99} ms; decided → offer on the stream p50 ${after.p50} ms, p99 ${after.p99} ms`);
    return summariseLatencies(sent, received);
  } finally {
    for (const stream of streams) stream.cancel();
    close();
    await instance.kill('SIGTERM');
    await bus.close();
    await idp.close();
    await db.drop();
  }
}

/** Both paths, one after the other on the same broker; the raw one first so the topic metadata is warm for neither. */
export async function endToEnd(options: EndToEndOptions): Promise<{ routing: LatencySummary; raw: LatencySummary }> {
  const brokers = stackEndpoints().kafkaBrokers;
  const kafka = new Kafka({ clientId: 'bench-routing-meta', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [Topics.interaction] })).topics;
  await admin.disconnect();
  const raw = await rawKafka(options, brokers, partitions.length);
  options.log(`raw kafka: p50 ${raw.p50} ms, p99 ${raw.p99} ms over ${raw.count} messages (${raw.lost} lost)`);
  const routing = await throughRouting(options, brokers, partitions.length);
  options.log(`routing e2e: p50 ${routing.p50} ms, p99 ${routing.p99} ms over ${routing.count} contacts (${routing.lost} without an offer)`);
  return { routing, raw };
}
