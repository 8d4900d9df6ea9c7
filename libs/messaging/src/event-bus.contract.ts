/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { currentTraceparent } from '@contactcenter/observability';
import { TenantContext, type TenantScope } from '@contactcenter/tenancy';
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

export interface EventBusContractOptions {
  /** A topic (group) name that no other test, run or process uses. */
  readonly topic?: (base: string) => string;
  readonly group?: (base: string) => string;
  /** How long a case waits for deliveries. */
  readonly timeoutMs?: number;
}

let names = 0;
const localName = (base: string) => `${base}-${++names}`;

/**
 * The behaviour every EventBus adapter must show, run against each adapter with identical
 * cases so the in-process bus stays a faithful stand-in for Kafka.
 */
export function describeEventBusContract(
  name: string,
  factory: () => Promise<EventBus> | EventBus,
  options: EventBusContractOptions = {},
): void {
  const topicName = options.topic ?? localName;
  const groupName = options.group ?? localName;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const caseTimeoutMs = timeoutMs + 10_000;

  describe(`${name} (EventBus contract)`, () => {
    let sut: EventBus;
    const subscriptions: Subscription[] = [];

    const subscribe = async (opts: SubscribeOptions) => {
      const subscription = await sut.subscribe({ maxAttempts: 3, retryBackoffMs: 10, ...opts });
      subscriptions.push(subscription);
      return subscription;
    };

    const eventually = async (what: string, done: () => boolean) => {
      const until = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });

    afterAll(() => {
      context.disable();
      propagation.disable();
    });

    beforeEach(async () => {
      sut = await factory();
    }, caseTimeoutMs);

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await sut.close();
    }, caseTimeoutMs);

    it('delivers an event with its metadata, payload and extra headers intact', async () => {
      const topic = topicName('contract-headers');
      const received: ConsumedEvent[] = [];
      await subscribe({ groupId: groupName('g'), topics: [topic], handler: async (e) => void received.push(e) });
      const sent = record(topic, 'ws-1', 0, {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        headers: { 'x-extra': 'value' },
        payload: Uint8Array.from([0, 1, 2, 254, 255]),
      });

      await sut.publish([sent]);
      await eventually('the event', () => received.length === 1);

      const [got] = received;
      expect(got).toMatchObject({
        id: sent.id,
        type: sent.type,
        topic,
        key: 'ws-1',
        workspaceId: 'ws-1',
        tenantId: 'tenant-ws-1',
        traceparent: sent.traceparent,
        headers: { 'x-extra': 'value' },
      });
      expect(got.time.toISOString()).toBe(sent.time.toISOString());
      expect(Array.from(got.payload)).toEqual([0, 1, 2, 254, 255]);
      expect(typeof got.partition).toBe('number');
      expect(got.offset).toMatch(/^\d+$/);
    }, caseTimeoutMs);

    it('keeps the order of each key across many events', async () => {
      const topic = topicName('contract-order');
      const keys = ['ws-a', 'ws-b', 'ws-c', 'ws-d'];
      const perKey = 150;
      const seen = new Map<string, number[]>(keys.map((k) => [k, []]));
      await subscribe({
        groupId: groupName('g'),
        topics: [topic],
        handler: async (e) => void seen.get(e.key)!.push(sequenceOf(e)),
      });

      const records = Array.from({ length: perKey }, (_, n) => keys.map((k) => record(topic, k, n))).flat();
      for (let i = 0; i < records.length; i += 50) await sut.publish(records.slice(i, i + 50));
      await eventually('all events', () => [...seen.values()].every((s) => s.length >= perKey));

      for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: perKey }, (_, n) => n));
    }, caseTimeoutMs);

    it('gives every consumer group every event', async () => {
      const topic = topicName('contract-groups');
      const first: string[] = [];
      const second: string[] = [];
      await subscribe({ groupId: groupName('g1'), topics: [topic], handler: async (e) => void first.push(e.id) });
      await subscribe({ groupId: groupName('g2'), topics: [topic], handler: async (e) => void second.push(e.id) });
      const records = Array.from({ length: 20 }, (_, n) => record(topic, `ws-${n % 5}`, n));

      await sut.publish(records);
      await eventually('both groups', () => first.length >= 20 && second.length >= 20);

      const ids = records.map((r) => r.id).sort();
      expect([...first].sort()).toEqual(ids);
      expect([...second].sort()).toEqual(ids);
    }, caseTimeoutMs);

    it('splits the partitions of one group between its members without duplicates', async () => {
      const topic = topicName('contract-split');
      const groupId = groupName('g');
      const byMember: string[][] = [[], []];
      // subscribe() resolves once the member holds its assignment, so no rebalance runs below.
      await subscribe({ groupId, topics: [topic], handler: async (e) => void byMember[0].push(e.id) });
      await subscribe({ groupId, topics: [topic], handler: async (e) => void byMember[1].push(e.id) });
      const records = Array.from({ length: 60 }, (_, n) => record(topic, `ws-${n % 30}`, n));

      await sut.publish(records);
      await eventually('every event', () => new Set(byMember.flat()).size === records.length);
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(byMember[0].length).toBeGreaterThan(0);
      expect(byMember[1].length).toBeGreaterThan(0);
      expect(byMember.flat().sort()).toEqual(records.map((r) => r.id).sort());
      expect(byMember[0].filter((id) => byMember[1].includes(id))).toEqual([]);
    }, caseTimeoutMs);

    it('retries a failing handler and then moves on in order', async () => {
      const topic = topicName('contract-retry');
      const attempts = new Map<string, number>();
      const handled: number[] = [];
      const dead: ConsumedEvent[] = [];
      await subscribe({ groupId: groupName('dlq'), topics: [deadLetterTopic(topic)], handler: async (e) => void dead.push(e) });
      await subscribe({
        groupId: groupName('g'),
        topics: [topic],
        handler: async (e) => {
          const attempt = (attempts.get(e.id) ?? 0) + 1;
          attempts.set(e.id, attempt);
          if (sequenceOf(e) === 0 && attempt < 3) throw new Error(`flaky ${attempt}`);
          handled.push(sequenceOf(e));
        },
      });
      const records = [record(topic, 'ws-1', 0), record(topic, 'ws-1', 1)];

      await sut.publish(records);
      await eventually('both events', () => handled.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect(handled).toEqual([0, 1]);
      expect(attempts.get(records[0].id)).toBe(3);
      expect(dead).toEqual([]);
    }, caseTimeoutMs);

    it('dead-letters a poison event with its reason and keeps consuming', async () => {
      const topic = topicName('contract-poison');
      const groupId = groupName('g');
      const handled: number[] = [];
      const dead: ConsumedEvent[] = [];
      await subscribe({ groupId: groupName('dlq'), topics: [deadLetterTopic(topic)], handler: async (e) => void dead.push(e) });
      await subscribe({
        groupId,
        topics: [topic],
        handler: async (e) => {
          if (sequenceOf(e) === 1) throw new Error('cannot digest event 1');
          handled.push(sequenceOf(e));
        },
      });
      const records = [0, 1, 2, 3].map((n) => record(topic, 'ws-1', n, { headers: { 'x-extra': 'kept' } }));

      await sut.publish(records);
      await eventually('the good events and the dead letter', () => handled.length >= 3 && dead.length >= 1);

      expect(handled).toEqual([0, 2, 3]);
      expect(dead).toHaveLength(1);
      const [letter] = dead;
      expect(letter).toMatchObject({ id: records[1].id, topic: deadLetterTopic(topic), key: 'ws-1', tenantId: 'tenant-ws-1' });
      expect(Array.from(letter.payload)).toEqual(Array.from(records[1].payload));
      expect(letter.headers).toMatchObject({
        'x-extra': 'kept',
        [EventHeaders.dlqReason]: 'cannot digest event 1',
        [EventHeaders.dlqOriginalTopic]: topic,
        [EventHeaders.dlqGroupId]: groupId,
        [EventHeaders.dlqAttempts]: '3',
      });
      expect(letter.headers?.[EventHeaders.dlqOriginalPartition]).toMatch(/^\d+$/);
      expect(letter.headers?.[EventHeaders.dlqOriginalOffset]).toMatch(/^\d+$/);
    }, caseTimeoutMs);

    it('hands consecutive events of one tenant scope to a batch handler, in order', async () => {
      const topic = topicName('contract-batch');
      const keys = ['ws-a', 'ws-b', 'ws-c'];
      const perKey = 100;
      const batches: ConsumedEvent[][] = [];
      const scopes: (TenantScope | undefined)[] = [];
      await subscribe({
        groupId: groupName('g'),
        topics: [topic],
        maxBatchSize: 40,
        handler: async () => {
          throw new Error('the batch handler should have taken these');
        },
        batchHandler: async (events) => {
          batches.push([...events]);
          scopes.push(TenantContext.current());
        },
      });
      const records = Array.from({ length: perKey }, (_, n) => keys.map((k) => record(topic, k, n))).flat();

      await sut.publish(records);
      await eventually('all events', () => batches.flat().length >= records.length);

      expect(batches.every((b) => b.length <= 40)).toBe(true);
      batches.forEach((batch, i) => {
        expect(new Set(batch.map((e) => e.tenantId)).size).toBe(1);
        expect(scopes[i]).toEqual({ workspaceId: batch[0].workspaceId, tenantId: batch[0].tenantId });
      });
      for (const key of keys) {
        const sequence = batches.flat().filter((e) => e.key === key).map(sequenceOf);
        expect(sequence).toEqual(Array.from({ length: perKey }, (_, n) => n));
      }
    }, caseTimeoutMs);

    it('hands consecutive events of any scopes to a batch handler that asks for mixed batches, in order', async () => {
      const topic = topicName('contract-mixed-batch');
      // Three keys of one partition, so their events are consecutive in it.
      const byPartition = new Map<number, string[]>();
      let keys: string[] = [];
      for (let n = 0; keys.length < 3; n++) {
        const key = `ws-m${n}`;
        const partition = await sut.partitionOf(topic, key);
        const together = [...(byPartition.get(partition) ?? []), key];
        byPartition.set(partition, together);
        if (together.length === 3) keys = together;
      }
      const perKey = 50;
      const batches: ConsumedEvent[][] = [];
      await subscribe({
        groupId: groupName('g'),
        topics: [topic],
        mixedScopeBatches: true,
        handler: async () => {
          throw new Error('the batch handler should have taken these');
        },
        batchHandler: async (events) => void batches.push([...events]),
      });
      const records = Array.from({ length: perKey }, (_, n) => keys.map((k) => record(topic, k, n))).flat();

      await sut.publish(records);
      await eventually('all events', () => batches.flat().length >= records.length);

      expect(batches.some((batch) => new Set(batch.map((e) => e.workspaceId)).size > 1)).toBe(true);
      for (const key of keys) {
        expect(batches.flat().filter((e) => e.key === key).map(sequenceOf)).toEqual(Array.from({ length: perKey }, (_, n) => n));
      }
    }, caseTimeoutMs);

    it('replays a failed batch one by one, so only the poison event is dead-lettered', async () => {
      const topic = topicName('contract-batch-poison');
      const handled: number[] = [];
      const dead: ConsumedEvent[] = [];
      const isPoison = (e: ConsumedEvent) => sequenceOf(e) === 3;
      await subscribe({ groupId: groupName('dlq'), topics: [deadLetterTopic(topic)], handler: async (e) => void dead.push(e) });
      await subscribe({
        groupId: groupName('g'),
        topics: [topic],
        handler: async (e) => {
          if (isPoison(e)) throw new Error('poison in a batch');
          handled.push(sequenceOf(e));
        },
        batchHandler: async (events) => {
          if (events.some(isPoison)) throw new Error('poison in a batch');
          handled.push(...events.map(sequenceOf));
        },
      });
      const records = Array.from({ length: 8 }, (_, n) => record(topic, 'ws-1', n));

      await sut.publish(records);
      await eventually('the good events and the dead letter', () => handled.length >= 7 && dead.length >= 1);

      expect(handled).toEqual([0, 1, 2, 4, 5, 6, 7]);
      expect(dead.map((e) => e.id)).toEqual([records[3].id]);
      expect(dead[0].headers?.[EventHeaders.dlqReason]).toBe('poison in a batch');
    }, caseTimeoutMs);

    it('puts each key on the partition partitionOf names', async () => {
      const topic = topicName('contract-partition-of');
      const received: ConsumedEvent[] = [];
      await subscribe({ groupId: groupName('g'), topics: [topic], handler: async (e) => void received.push(e) });
      const records = Array.from({ length: 12 }, (_, n) => record(topic, `ws-${n}`, n));

      await sut.publish(records);
      await eventually('every event', () => received.length >= records.length);

      for (const event of received) expect(event.partition).toBe(await sut.partitionOf(topic, event.key));
      expect(new Set(received.map((e) => e.partition)).size).toBeGreaterThan(1);
    }, caseTimeoutMs);

    it('tells members their copartitioned assignment, and the survivor everything when one closes', async () => {
      const [events, commands] = [topicName('contract-assign-events'), topicName('contract-assign-commands')];
      const groupId = groupName('g');
      const held: (readonly TopicPartition[])[] = [[], []];
      const partitions = (member: number, topic: string) => held[member].filter((p) => p.topic === topic).map((p) => p.partition);
      const member = (index: number) =>
        subscribe({ groupId, topics: [events, commands], copartitioned: true, handler: async () => undefined, onAssignment: (p) => (held[index] = p) });
      const first = await member(0);
      await eventually('the first member to hold everything', () => partitions(0, events).length > 1);
      const all = partitions(0, events);
      await member(1);

      await eventually('a split', () => partitions(0, events).length > 0 && partitions(1, events).length > 0 && partitions(0, events).length + partitions(1, events).length === all.length);
      for (const index of [0, 1]) expect(partitions(index, commands)).toEqual(partitions(index, events));
      expect([...partitions(0, events), ...partitions(1, events)].sort()).toEqual(all);

      await first.close();
      await eventually('the survivor to hold everything', () => partitions(1, events).length === all.length);
      expect(held[0]).toEqual([]);
      expect(partitions(1, commands)).toEqual(all);
    }, caseTimeoutMs);

    it("runs the handler in the event's tenant context and trace", async () => {
      const topic = topicName('contract-tenant');
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const seen: { scope?: TenantScope; traceparent?: string }[] = [];
      await subscribe({
        groupId: groupName('g'),
        topics: [topic],
        handler: async () => void seen.push({ scope: TenantContext.current(), traceparent: currentTraceparent() }),
      });

      await TenantContext.run({ workspaceId: 'publisher-ws', tenantId: 'publisher-tenant' }, () =>
        sut.publish([record(topic, 'ws-9', 0, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` })]),
      );
      await eventually('the event', () => seen.length === 1);

      expect(seen[0].scope).toEqual({ workspaceId: 'ws-9', tenantId: 'tenant-ws-9' });
      expect(seen[0].traceparent?.split('-')[1]).toBe(traceId);
    }, caseTimeoutMs);
  });
}

function record(topic: string, workspaceId: string, sequence: number, extra: Partial<EventRecord> = {}): EventRecord {
  return {
    id: randomUUID(),
    type: 'contactcenter.test.v1.ContractTested',
    topic,
    key: workspaceId,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, sequence)),
    workspaceId,
    tenantId: `tenant-${workspaceId}`,
    payload: new TextEncoder().encode(String(sequence)),
    ...extra,
  };
}

const sequenceOf = (event: ConsumedEvent) => Number(new TextDecoder().decode(event.payload));
