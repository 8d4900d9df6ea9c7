import { randomUUID } from 'node:crypto';
import { stackEndpoints, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import type { ConsumedEvent, EventRecord } from './event-bus.port';
import { describeEventBusContract } from './event-bus.contract';
import { KafkaEventBus } from './kafka-event-bus';

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const newBus = () => new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, heartbeatIntervalMs: 500, logger: quiet });

describeEventBusContract(KafkaEventBus.name, newBus, { topic: uniqueTopic, group: uniqueGroup, timeoutMs: 30_000 });

describe(KafkaEventBus.name, () => {
  it('splits a publish larger than one broker request and keeps its order', async () => {
    const sut = newBus();
    const topic = uniqueTopic('kafka-large-publish');
    const received: ConsumedEvent[] = [];
    const subscription = await sut.subscribe({ groupId: uniqueGroup('g'), topics: [topic], handler: async (e) => void received.push(e) });
    // 2.5 MB for one partition: above the broker's 1 MiB record batch limit.
    const records: EventRecord[] = Array.from({ length: 1_250 }, (_, n) => ({
      id: randomUUID(),
      type: 'test.Large',
      topic,
      key: 'ws-large',
      time: new Date(),
      workspaceId: 'ws-large',
      tenantId: 'tenant-large',
      payload: new Uint8Array(2_000).fill(n % 256),
    }));
    try {
      await sut.publish(records);
      const until = Date.now() + 30_000;
      while (received.length < records.length && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));

      expect(received.map((e) => e.id)).toEqual(records.map((r) => r.id));
    } finally {
      await subscription.close();
      await sut.close();
    }
  }, 60_000);

  it('carries a catalog topic on the broker topic topicNames gives it, and names it by the catalog', async () => {
    const catalogTopic = uniqueTopic('kafka-catalog');
    const brokerTopic = uniqueTopic('kafka-renamed');
    const sut = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, heartbeatIntervalMs: 500, logger: quiet, topicNames: { [catalogTopic]: brokerTopic } });
    const plain = newBus();
    const viaCatalog: ConsumedEvent[] = [];
    const onBroker: ConsumedEvent[] = [];
    const assigned: string[] = [];
    const subscriptions = [
      await sut.subscribe({ groupId: uniqueGroup('g'), topics: [catalogTopic], onAssignment: (p) => assigned.push(...p.map((x) => x.topic)), handler: async (e) => void viaCatalog.push(e) }),
      await plain.subscribe({ groupId: uniqueGroup('g'), topics: [brokerTopic], handler: async (e) => void onBroker.push(e) }),
    ];
    const record: EventRecord = { id: randomUUID(), type: 'test.Renamed', topic: catalogTopic, key: 'ws-renamed', time: new Date(), workspaceId: 'ws-renamed', tenantId: 't', payload: new Uint8Array([1]) };
    try {
      await sut.publish([record]);
      const until = Date.now() + 30_000;
      while ((viaCatalog.length === 0 || onBroker.length === 0) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));

      expect(viaCatalog.map((e) => [e.id, e.topic])).toEqual([[record.id, catalogTopic]]);
      expect(onBroker.map((e) => [e.id, e.topic])).toEqual([[record.id, brokerTopic]]);
      expect(new Set(assigned)).toEqual(new Set([catalogTopic]));
      expect(await sut.partitionOf(catalogTopic, 'ws-renamed')).toBe(await plain.partitionOf(brokerTopic, 'ws-renamed'));
    } finally {
      await Promise.all(subscriptions.map((s) => s.close()));
      await Promise.all([sut.close(), plain.close()]);
    }
  }, 60_000);
});
