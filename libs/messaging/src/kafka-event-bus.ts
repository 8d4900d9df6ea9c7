import {
  AssignerProtocol,
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Message,
  type PartitionAssigner,
  type Producer,
} from 'kafkajs';
import {
  deadLetterTopic,
  EventHeaders,
  type ConsumedEvent,
  type EventBus,
  type EventRecord,
  type SubscribeOptions,
  type Subscription,
  type TopicPartition,
} from './event-bus.port';
import {
  consoleBusLogger,
  deadLetterRecord,
  deliverInOrder,
  retryPolicyFor,
  sleepWhileActive,
  type BusLogger,
  type RetryPolicy,
} from './event-delivery';

export interface KafkaEventBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Partitions of the topics this bus creates (default 3). */
  readonly partitions?: number;
  /**
   * Largest produce request publish() sends (default 512 KiB); bigger publishes go out as
   * several requests in order. The broker rejects a record batch above `message.max.bytes`
   * (1 MiB by default), and one request may carry a partition's whole batch.
   */
  readonly maxPublishBytes?: number;
  /** Partitions of one subscription handled at the same time; each stays sequential (default 3). */
  readonly partitionsConsumedConcurrently?: number;
  /** Handled offsets are committed at most this often, and at the latest this long after (default 1000 ms). */
  readonly commitIntervalMs?: number;
  /** Consumer group timings; lower them in tests so a killed member is noticed quickly. */
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new data; bounds how long close() takes (default 1000 ms). */
  readonly maxWaitTimeMs?: number;
  /** How long subscribe() waits for the first group assignment before going on (default 60 s). */
  readonly joinTimeoutMs?: number;
  readonly logger?: BusLogger;
  /** kafkajs' own log level, forwarded to `logger` (default ERROR). */
  readonly kafkaLogLevel?: KafkaLogLevel;
  /**
   * Catalog topic → the broker topic that carries it (dead-letter topics follow). Lets a
   * benchmark or test run services on topics of their own instead of the shared ones; events,
   * assignments and partitionOf keep speaking of the catalog names.
   */
  readonly topicNames?: Readonly<Record<string, string>>;
}

/** Catalog ↔ broker topic names of one bus; the identity without `topicNames`. */
class TopicNames {
  private readonly toBroker = new Map<string, string>();
  private readonly toCatalog = new Map<string, string>();

  constructor(names: Readonly<Record<string, string>> = {}) {
    for (const [catalog, broker] of Object.entries(names)) {
      this.add(catalog, broker);
      this.add(deadLetterTopic(catalog), deadLetterTopic(broker));
    }
  }

  broker(topic: string): string {
    return this.toBroker.get(topic) ?? topic;
  }

  catalog(topic: string): string {
    return this.toCatalog.get(topic) ?? topic;
  }

  private add(catalog: string, broker: string): void {
    this.toBroker.set(catalog, broker);
    this.toCatalog.set(broker, catalog);
  }
}

/**
 * The EventBus on Apache Kafka. The producer is idempotent with one request in flight, so a
 * retried send neither duplicates nor reorders a partition. Consumers commit by hand, only
 * offsets whose events were handled or dead-lettered; failures are retried in-process with
 * exponential backoff (heartbeating meanwhile) instead of crashing the consumer.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly logger: BusLogger;
  private readonly partitions: number;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private producerReady?: Promise<void>;
  private adminReady?: Promise<void>;
  private readonly topicsReady = new Map<string, Promise<void>>();
  private readonly partitionCounts = new Map<string, Promise<number>>();
  private readonly keyPartitioner = Partitioners.DefaultPartitioner();
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly topicNames: TopicNames;
  private closed = false;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.logger = options.logger ?? consoleBusLogger;
    this.partitions = options.partitions ?? 3;
    this.topicNames = new TopicNames(options.topicNames);
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'contactcenter',
      brokers: [...options.brokers],
      logLevel: options.kafkaLogLevel ?? KafkaLogLevel.ERROR,
      logCreator: () => (entry) => this.forwardKafkaLog(entry),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
  }

  async publish(records: readonly EventRecord[]): Promise<void> {
    if (this.closed) throw new Error('KafkaEventBus is closed');
    if (records.length === 0) return;
    await Promise.all([this.ensureTopics([...new Set(records.map((r) => this.topicNames.broker(r.topic)))]), this.connectProducer()]);
    // Sequential sends: with one request in flight, the order of the records is kept.
    for (const chunk of chunksBySize(records, this.options.maxPublishBytes ?? 512 * 1024)) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic: catalogTopic, message } of chunk) {
        const topic = this.topicNames.broker(catalogTopic);
        const messages = byTopic.get(topic) ?? [];
        messages.push(message);
        byTopic.set(topic, messages);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('KafkaEventBus is closed');
    const topics = options.topics.map((topic) => this.topicNames.broker(topic));
    await Promise.all([this.ensureTopics([...topics, ...topics.map(deadLetterTopic)]), this.connectProducer()]);
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 1_000,
      ...(options.copartitioned && { partitionAssigners: [copartitionedAssigner] }),
    });
    const subscription = new KafkaSubscription(consumer, options, topics, {
      topicNames: this.topicNames,
      policy: retryPolicyFor(options),
      commitIntervalMs: this.options.commitIntervalMs ?? 1_000,
      concurrency: this.options.partitionsConsumedConcurrently ?? 3,
      joinTimeoutMs: this.options.joinTimeoutMs ?? 60_000,
      logger: this.logger,
      deadLetter: (record) => this.publish([record]),
      onClosed: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      await subscription.close();
      throw error;
    }
    return subscription;
  }

  /** The producer's own partitioner (murmur2 of the key, as the Java client) over the topic's partition count. */
  async partitionOf(catalogTopic: string, key: string): Promise<number> {
    const topic = this.topicNames.broker(catalogTopic);
    let count = this.partitionCounts.get(topic);
    if (!count) {
      count = this.ensureTopics([topic])
        .then(() => this.admin.fetchTopicMetadata({ topics: [topic] }))
        .then(({ topics }) => topics[0].partitions.length);
      this.partitionCounts.set(topic, count);
      count.catch(() => this.partitionCounts.delete(topic));
    }
    const partitionMetadata = Array.from({ length: await count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    return this.keyPartitioner({ topic, partitionMetadata, message: { key, value: null } });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await Promise.allSettled([
      this.producerReady?.then(() => this.producer.disconnect()),
      this.adminReady?.then(() => this.admin.disconnect()),
    ]);
  }

  private connectProducer(): Promise<void> {
    this.producerReady ??= this.producer.connect().catch((error: unknown) => {
      this.producerReady = undefined;
      throw error;
    });
    return this.producerReady;
  }

  /** Creates missing topics up front, so consumers never race the broker's auto-creation. */
  private async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.topicsReady.has(t));
    if (missing.length > 0) {
      const created = this.createTopics(missing);
      for (const topic of missing) {
        this.topicsReady.set(
          topic,
          created.catch((error: unknown) => {
            this.topicsReady.delete(topic);
            throw error;
          }),
        );
      }
    }
    await Promise.all(topics.map((t) => this.topicsReady.get(t)));
  }

  private async createTopics(topics: readonly string[]): Promise<void> {
    this.adminReady ??= this.admin.connect().catch((error: unknown) => {
      this.adminReady = undefined;
      throw error;
    });
    await this.adminReady;
    // Creating only what is missing keeps kafkajs from logging "already exists" as an error;
    // a concurrent creator can still win the race, which createTopics reports as false.
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: this.partitions })),
    });
  }

  private forwardKafkaLog({ level, log }: LogEntry): void {
    const { message, ...context } = log;
    // kafkajs logs every rebalance as a failed request; rejoining is routine, not an error.
    if (/rebalanc/i.test(String(context.error ?? ''))) return;
    if (level <= KafkaLogLevel.ERROR) this.logger.error(`kafkajs: ${message}`, context);
    else if (level === KafkaLogLevel.WARN) this.logger.warn(`kafkajs: ${message}`, context);
  }
}

interface SubscriptionSettings {
  readonly policy: RetryPolicy;
  readonly commitIntervalMs: number;
  readonly concurrency: number;
  readonly joinTimeoutMs: number;
  readonly logger: BusLogger;
  readonly deadLetter: (record: EventRecord) => Promise<void>;
  readonly onClosed: () => void;
  readonly topicNames: TopicNames;
}

class KafkaSubscription implements Subscription {
  private closing = false;
  private closed?: Promise<void>;
  /** Next offset to commit per partition, for events already handled or dead-lettered. */
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private lastCommit = 0;
  private flushTimer?: NodeJS.Timeout;
  private announced = '';

  constructor(
    private readonly consumer: Consumer,
    private readonly options: SubscribeOptions,
    /** options.topics as named on the broker. */
    private readonly brokerTopics: readonly string[],
    private readonly settings: SubscriptionSettings,
  ) {}

  /** Resolves once the member holds its first assignment, so callers can publish right away. */
  async start(): Promise<void> {
    const { consumer, options, settings } = this;
    let removeListener = () => undefined as unknown;
    let timer: NodeJS.Timeout | undefined;
    const joined = new Promise<void>((resolve) => {
      removeListener = consumer.on(consumer.events.GROUP_JOIN, () => resolve());
      timer = setTimeout(() => {
        settings.logger.warn('consumer has not joined its group yet; going on', { groupId: options.groupId });
        resolve();
      }, settings.joinTimeoutMs);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      this.report(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic: settings.topicNames.catalog(topic), partition })))),
    );
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!this.closing) {
        settings.logger.error('consumer crashed', { groupId: options.groupId, error: payload.error, restart: payload.restart });
      }
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.brokerTopics], fromBeginning: options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.concurrency,
        eachBatch: (payload) => this.handleBatch(payload),
      });
      await joined;
    } finally {
      clearTimeout(timer);
      removeListener();
    }
  }

  close(): Promise<void> {
    this.closing = true;
    this.closed ??= this.flush()
      .catch((error: unknown) => this.settings.logger.warn('offset commit on close failed', { error }))
      .then(() => this.consumer.disconnect())
      .catch((error: unknown) => this.settings.logger.warn('consumer disconnect failed', { error }))
      .finally(() => {
        clearTimeout(this.flushTimer);
        this.report([]);
        this.settings.onClosed();
      });
    return this.closed;
  }

  private report(partitions: readonly TopicPartition[]): void {
    const sorted = [...partitions].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    const announced = sorted.map((p) => `${p.topic}#${p.partition}`).join(',');
    if (announced === this.announced || !this.options.onAssignment) return;
    this.announced = announced;
    try {
      this.options.onAssignment(sorted);
    } catch (error) {
      this.settings.logger.error('assignment listener failed', { groupId: this.options.groupId, error });
    }
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const { options, settings } = this;
    const catalogTopic = settings.topicNames.catalog(topic);
    const isActive = () => !this.closing && isRunning() && !isStale();
    let complete = false;
    let failure: unknown;
    try {
      complete = await deliverInOrder(
        batch.messages.map((message) => fromKafkaMessage(catalogTopic, partition, message)),
        options.groupId,
        options,
        settings.policy,
        {
          isActive,
          sleep: (ms) => sleepWhileActive(ms, isActive, heartbeat, 500),
          onBatchFailure: (error) =>
            settings.logger.warn('batch handler failed; retrying one by one', { topic, partition, error }),
        },
        async (settled, outcome) => {
          const last = settled[settled.length - 1];
          if (outcome.status === 'failed') {
            await settings.deadLetter(deadLetterRecord(last, options.groupId, outcome));
            settings.logger.warn('event dead-lettered', { topic, partition, offset: last.offset, id: last.id });
          }
          resolveOffset(last.offset);
          this.pending.set(`${topic}#${partition}`, { topic, partition, offset: (BigInt(last.offset) + 1n).toString() });
          // Committed in the background: the partition's next events do not wait for the broker.
          this.scheduleFlush();
          await heartbeat();
        },
      );
    } catch (error) {
      failure = error;
    }
    // Interrupted (rebalance, close, broker error): commit what was handled so the next owner
    // of the partition starts there instead of redoing it.
    if (!complete) {
      try {
        await this.flush();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * Commits the pending offsets. Commits are batched over `commitIntervalMs` rather than made
   * per event or batch; a commit that comes late only means redelivery, which inboxes absorb.
   */
  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0) return;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.lastCommit = Date.now();
    try {
      await this.consumer.commitOffsets(offsets);
    } catch (error) {
      for (const offset of offsets) {
        const key = `${offset.topic}#${offset.partition}`;
        if (!this.pending.has(key)) this.pending.set(key, offset);
      }
      throw error;
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.closing) return;
    const delay = Math.max(0, this.lastCommit + this.settings.commitIntervalMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush().catch((error: unknown) => {
        if (!this.closing) this.settings.logger.warn('offset commit failed; retrying with the next one', { error });
      });
    }, delay);
    this.flushTimer.unref();
  }
}

/**
 * Member i (of n, sorted by id) gets partition p of every topic when p % n = i, so topics with
 * the same partition count and the same keys have each key's records consumed by one member.
 */
const copartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'CopartitionedAssigner',
  version: 0,
  async assign({ members, topics }) {
    const sorted = members.map(({ memberId }) => memberId).sort();
    return sorted.map((memberId, index) => {
      const assignment: Record<string, number[]> = {};
      for (const topic of topics) {
        assignment[topic] = cluster
          .findTopicPartitionMetadata(topic)
          .map(({ partitionId }) => partitionId)
          .filter((partition) => partition % sorted.length === index);
      }
      return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) };
    });
  },
  protocol({ topics }) {
    return { name: 'CopartitionedAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

/** Record overhead on the wire besides key, value and headers (lengths, offsets, attributes). */
const recordOverheadBytes = 32;

function* chunksBySize(
  records: readonly EventRecord[],
  maxBytes: number,
): Generator<{ topic: string; message: Message }[]> {
  let chunk: { topic: string; message: Message }[] = [];
  let bytes = 0;
  for (const record of records) {
    const message = toKafkaMessage(record);
    const size = messageSize(message);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push({ topic: record.topic, message });
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function messageSize(message: Message): number {
  let size = recordOverheadBytes + Buffer.byteLength(message.key as string) + (message.value as Buffer).length;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(String(value)) + 4;
  }
  return size;
}

function toKafkaMessage(record: EventRecord): Message {
  const headers: IHeaders = {
    ...record.headers,
    [EventHeaders.id]: record.id,
    [EventHeaders.type]: record.type,
    [EventHeaders.time]: record.time.toISOString(),
    [EventHeaders.workspaceId]: record.workspaceId,
    [EventHeaders.tenantId]: record.tenantId,
  };
  if (record.traceparent) headers[EventHeaders.traceparent] = record.traceparent;
  return {
    key: record.key,
    value: Buffer.from(record.payload.buffer, record.payload.byteOffset, record.payload.byteLength),
    headers,
  };
}

function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function fromKafkaMessage(topic: string, partition: number, message: KafkaMessage): ConsumedEvent {
  let id = '';
  let type = '';
  let time: string | undefined;
  let workspaceId = '';
  let tenantId = '';
  let traceparent: string | undefined;
  let extras: Record<string, string> | undefined;
  const raw = message.headers ?? {};
  for (const name in raw) {
    const value = headerText(raw[name]);
    if (value === undefined) continue;
    switch (name) {
      case EventHeaders.id:
        id = value;
        break;
      case EventHeaders.type:
        type = value;
        break;
      case EventHeaders.time:
        time = value;
        break;
      case EventHeaders.workspaceId:
        workspaceId = value;
        break;
      case EventHeaders.tenantId:
        tenantId = value;
        break;
      case EventHeaders.traceparent:
        traceparent = value;
        break;
      default:
        (extras ??= {})[name] = value;
    }
  }
  return {
    id,
    type,
    topic,
    key: message.key?.toString() ?? '',
    time: new Date(time ?? Number(message.timestamp)),
    workspaceId,
    tenantId,
    traceparent,
    payload: message.value ?? new Uint8Array(),
    headers: extras,
    partition,
    offset: message.offset,
  };
}
