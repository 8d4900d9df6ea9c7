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
});
