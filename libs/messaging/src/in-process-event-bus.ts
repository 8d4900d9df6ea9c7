import type { ConsumedEvent, EventBus, EventRecord, SubscribeOptions, Subscription, TopicPartition } from './event-bus.port';
import {
  consoleBusLogger,
  deadLetterRecord,
  deliverInOrder,
  retryPolicyFor,
  sleepWhileActive,
  type BusLogger,
  type RetryPolicy,
} from './event-delivery';

export interface InProcessEventBusOptions {
  /** Partitions per topic (default 3), so ordering and group splitting behave as on Kafka. */
  readonly partitions?: number;
  /** Consumed entries kept per partition before the prefix every group has passed is dropped. */
  readonly retainPerPartition?: number;
  readonly logger?: BusLogger;
}

/** A promise that any number of waiters share until the next `notify()`. */
class Signal {
  private resolve!: () => void;
  private promise = this.next();

  wait(): Promise<void> {
    return this.promise;
  }

  notify(): void {
    const resolve = this.resolve;
    this.promise = this.next();
    resolve();
  }

  private next(): Promise<void> {
    return new Promise((resolve) => (this.resolve = resolve));
  }
}

class PartitionLog {
  /** Offset of `entries[0]`; grows as fully consumed entries are dropped. */
  base = 0;
  entries: EventRecord[] = [];
  readonly appended = new Signal();

  get end(): number {
    return this.base + this.entries.length;
  }

  append(record: EventRecord): void {
    this.entries.push(record);
    this.appended.notify();
  }

  at(offset: number): EventRecord {
    return this.entries[offset - this.base];
  }

  dropBefore(offset: number): void {
    if (offset <= this.base) return;
    this.entries = this.entries.slice(offset - this.base);
    this.base = offset;
  }
}

interface Member {
  readonly id: number;
  readonly topics: ReadonlySet<string>;
  readonly options: SubscribeOptions;
  readonly policy: RetryPolicy;
  readonly batchLimit: number;
  active: boolean;
  readonly inFlight: Set<Promise<unknown>>;
  /** The partitions last reported to `onAssignment`, as a comparable string. */
  announced: string;
}

interface Group {
  readonly id: string;
  members: Member[];
  /** Next offset to deliver, per `topic#partition`. */
  readonly committed: Map<string, number>;
  readonly changed: Signal;
  readonly cursors: Set<string>;
}

const partitionKey = (topic: string, partition: number) => `${topic}#${partition}`;

/** FNV-1a: any stable hash does, as long as one key always lands on one partition. */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The event bus inside one process (the all-in-one mode and unit tests), with Kafka's
 * semantics: partitioned topics, order per key, consumer groups that split partitions,
 * at-least-once delivery with bounded retries and dead-lettering.
 *
 * Each (group, partition) has one cursor that delivers sequentially to whichever member
 * currently owns the partition, so a rebalance can never run one partition twice at once.
 */
export class InProcessEventBus implements EventBus {
  private readonly partitions: number;
  private readonly retainPerPartition: number;
  private readonly logger: BusLogger;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private nextMemberId = 1;
  private closed = false;
  private readonly closedSignal = new Signal();
  private readonly cursorRuns = new Set<Promise<void>>();

  constructor(options: InProcessEventBusOptions = {}) {
    this.partitions = Math.max(1, options.partitions ?? 3);
    this.retainPerPartition = Math.max(0, options.retainPerPartition ?? 1_000);
    this.logger = options.logger ?? consoleBusLogger;
  }

  async publish(records: readonly EventRecord[]): Promise<void> {
    if (this.closed) throw new Error('InProcessEventBus is closed');
    for (const record of records) this.append(record);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('InProcessEventBus is closed');
    const group = this.group(options.groupId);
    const member: Member = {
      id: this.nextMemberId++,
      topics: new Set(options.topics),
      options,
      policy: retryPolicyFor(options),
      batchLimit: Math.max(1, options.maxBatchSize ?? 500),
      active: true,
      inFlight: new Set(),
      announced: '',
    };
    for (const topic of options.topics) {
      this.log(topic).forEach((partition, index) => {
        const key = partitionKey(topic, index);
        if (!group.committed.has(key)) {
          group.committed.set(key, options.fromBeginning === false ? partition.end : partition.base);
        }
        if (!group.cursors.has(key)) this.startCursor(group, topic, index);
      });
    }
    group.members = [...group.members, member];
    group.changed.notify();
    this.announce(group);
    return { close: () => this.leave(group, member) };
  }

  async partitionOf(_topic: string, key: string): Promise<number> {
    return hashKey(key) % this.partitions;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.groups.values()].flatMap((group) => group.members.map((m) => this.leave(group, m))));
    this.closedSignal.notify();
    await Promise.all(this.cursorRuns);
  }

  private append(record: EventRecord): void {
    const logs = this.log(record.topic);
    const copy: EventRecord = {
      ...record,
      time: new Date(record.time.getTime()),
      payload: Uint8Array.from(record.payload),
      headers: record.headers ? { ...record.headers } : undefined,
    };
    logs[hashKey(record.key) % logs.length].append(copy);
  }

  private log(topic: string): PartitionLog[] {
    let logs = this.topics.get(topic);
    if (!logs) {
      logs = Array.from({ length: this.partitions }, () => new PartitionLog());
      this.topics.set(topic, logs);
    }
    return logs;
  }

  private group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = { id: groupId, members: [], committed: new Map(), changed: new Signal(), cursors: new Set() };
      this.groups.set(groupId, group);
    }
    return group;
  }

  private async leave(group: Group, member: Member): Promise<void> {
    if (!group.members.includes(member)) return;
    member.active = false;
    group.members = group.members.filter((m) => m !== member);
    group.changed.notify();
    this.report(member, []);
    this.announce(group);
    await Promise.allSettled([...member.inFlight]);
  }

  /**
   * Tells every member whose partitions changed. Ownership is `partition % members` per topic,
   * so members of the same topics always hold the same partition numbers of each (copartitioned).
   */
  private announce(group: Group): void {
    for (const member of group.members) {
      const held: TopicPartition[] = [];
      for (const topic of member.topics) {
        for (let partition = 0; partition < this.partitions; partition++) {
          if (this.owner(group, topic, partition) === member) held.push({ topic, partition });
        }
      }
      this.report(member, held);
    }
  }

  private report(member: Member, partitions: readonly TopicPartition[]): void {
    const announced = partitions.map((p) => partitionKey(p.topic, p.partition)).join(',');
    if (announced === member.announced || !member.options.onAssignment) return;
    member.announced = announced;
    try {
      member.options.onAssignment(partitions);
    } catch (error) {
      this.logger.error('assignment listener failed', { groupId: member.options.groupId, error });
    }
  }

  /** Partitions go round-robin to the members subscribed to the topic, in joining order. */
  private owner(group: Group, topic: string, partition: number): Member | undefined {
    const candidates = group.members.filter((m) => m.topics.has(topic));
    return candidates.length ? candidates[partition % candidates.length] : undefined;
  }

  private startCursor(group: Group, topic: string, partition: number): void {
    group.cursors.add(partitionKey(topic, partition));
    const run = this.runCursor(group, topic, partition).catch((error: unknown) =>
      this.logger.error('in-process bus cursor stopped', { topic, partition, groupId: group.id, error }),
    );
    this.cursorRuns.add(run);
  }

  private async runCursor(group: Group, topic: string, partition: number): Promise<void> {
    const log = this.log(topic)[partition];
    const key = partitionKey(topic, partition);
    while (!this.closed) {
      const offset = group.committed.get(key) ?? log.base;
      const member = this.owner(group, topic, partition);
      if (!member || offset >= log.end) {
        await Promise.race([log.appended.wait(), group.changed.wait(), this.closedSignal.wait()]);
        continue;
      }
      const count = member.options.batchHandler ? Math.min(log.end - offset, member.batchLimit) : 1;
      const events = Array.from({ length: count }, (_, i): ConsumedEvent => ({
        ...log.at(offset + i),
        partition,
        offset: String(offset + i),
      }));
      const delivery = this.deliver(events, group, member, (next) => {
        group.committed.set(key, next);
        this.trim(topic, partition, log);
      });
      member.inFlight.add(delivery);
      try {
        await delivery;
      } finally {
        member.inFlight.delete(delivery);
      }
    }
  }

  private async deliver(
    events: readonly ConsumedEvent[],
    group: Group,
    member: Member,
    commit: (nextOffset: number) => void,
  ): Promise<void> {
    const isActive = () => member.active && !this.closed;
    await deliverInOrder(
      events,
      group.id,
      member.options,
      member.policy,
      {
        isActive,
        sleep: (ms) => sleepWhileActive(ms, isActive),
        onBatchFailure: (error) => this.logger.warn('batch handler failed; retrying one by one', { groupId: group.id, error }),
      },
      async (settled, outcome) => {
        const last = settled[settled.length - 1];
        if (outcome.status === 'failed') {
          this.append(deadLetterRecord(last, group.id, outcome));
          this.logger.warn('event dead-lettered', { topic: last.topic, id: last.id, groupId: group.id });
        }
        commit(Number(last.offset) + 1);
      },
    );
  }

  /** Drops the prefix that every group reading this partition has passed (Kafka's retention). */
  private trim(topic: string, partition: number, log: PartitionLog): void {
    if (log.entries.length <= this.retainPerPartition) return;
    const key = partitionKey(topic, partition);
    let low = Infinity;
    for (const group of this.groups.values()) {
      const committed = group.committed.get(key);
      if (committed !== undefined) low = Math.min(low, committed);
    }
    if (Number.isFinite(low) && low - log.base > this.retainPerPartition) log.dropBefore(low);
  }
}
