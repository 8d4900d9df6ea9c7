/**
 * One event as it travels on the bus. The Kafka adapter maps the metadata to record headers
 * and `payload` (protobuf bytes) to the record value; the in-process adapter passes it as is.
 */
export interface EventRecord {
  /** UUID; consumers deduplicate on it (inbox). */
  readonly id: string;
  /** Fully qualified protobuf message name of the payload. */
  readonly type: string;
  readonly topic: string;
  /** Partition key: the workspace id, so one workspace's events stay in order. */
  readonly key: string;
  readonly time: Date;
  readonly workspaceId: string;
  readonly tenantId: string;
  /** W3C trace context of the operation that caused the event. */
  readonly traceparent?: string;
  readonly payload: Uint8Array;
  /** Further headers, e.g. the dead-letter reason. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An event handed to a handler, with where it came from. */
export interface ConsumedEvent extends EventRecord {
  readonly partition: number;
  readonly offset: string;
}

export type EventHandler = (event: ConsumedEvent) => Promise<void>;

/** One partition of one topic. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * Told every partition the member now holds, each time its assignment changes: after it joins,
 * after every rebalance, and with none when it closes. A partition missing from the new set
 * was revoked. Called without waiting for it: handle it quickly or hand it off.
 */
export type AssignmentListener = (partitions: readonly TopicPartition[]) => void;

/**
 * Handles consecutive events of one partition at once, all of one tenant scope (the adapter
 * cuts batches where the workspace or tenant changes), so a consumer can commit many events
 * in one database transaction.
 */
export type EventBatchHandler = (events: readonly ConsumedEvent[]) => Promise<void>;

export interface SubscribeOptions {
  /** Consumer group: each event reaches one member of each group. */
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly handler: EventHandler;
  /**
   * Optional fast path. When it throws, the same events go through `handler` one by one with
   * retries and dead-lettering, so one poison event never holds back its neighbours; it must
   * therefore be idempotent in the same way (an inbox makes both so).
   */
  readonly batchHandler?: EventBatchHandler;
  /** Most events per `batchHandler` call (default 500). */
  readonly maxBatchSize?: number;
  /**
   * Batches are cut by size only, not where the workspace or tenant changes: consecutive events
   * of one partition, any scopes. The batch handler then runs outside any tenant scope and
   * must scope its own work per event (e.g. one transaction per workspace). Default false.
   */
  readonly mixedScopeBatches?: boolean;
  /** Attempts per event before it goes to `<topic>.dlq` (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 100 ms). */
  readonly retryBackoffMs?: number;
  /** Start from the earliest offset when the group has none (default true). */
  readonly fromBeginning?: boolean;
  /** Learns the member's partitions (assignment and revocation). */
  readonly onAssignment?: AssignmentListener;
  /**
   * Gives each member the same partition numbers of every topic of the subscription, so
   * topics keyed alike (e.g. a workspace's events and the commands for it) meet in one member.
   * Every member of the group must ask for it.
   */
  readonly copartitioned?: boolean;
}

export interface Subscription {
  close(): Promise<void>;
}

/**
 * The event bus port. Delivery is at-least-once, in order per (topic, key); an offset is
 * committed only after its handler succeeded or the event was dead-lettered.
 */
export interface EventBus {
  publish(records: readonly EventRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** The partition publish() puts a record with this key on, so a member can tell which keys it holds. */
  partitionOf(topic: string, key: string): Promise<number>;
  close(): Promise<void>;
}

export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/** Header names shared by every adapter (CloudEvents-style `ce_` prefix). */
export const EventHeaders = {
  id: 'ce_id',
  type: 'ce_type',
  time: 'ce_time',
  workspaceId: 'cc_workspace_id',
  tenantId: 'cc_tenant_id',
  traceparent: 'traceparent',
  dlqReason: 'cc_dlq_reason',
  dlqOriginalTopic: 'cc_dlq_original_topic',
  dlqOriginalPartition: 'cc_dlq_original_partition',
  dlqOriginalOffset: 'cc_dlq_original_offset',
  dlqGroupId: 'cc_dlq_group_id',
  dlqAttempts: 'cc_dlq_attempts',
} as const;
