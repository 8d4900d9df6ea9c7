// Child process of channels.bench.ts: reads MessageReceived back from real Kafka and times
// request → event published (the send time is the message text), so the server under test does
// not pay for the measurement. Env: CC_KAFKA_BROKERS, CC_TENANT_ID, CC_EXPECT, CC_GROUP.
// Prints `{"ready":true}` once subscribed, then `{ published, p50Ms, p99Ms }` when all arrived.
import { Events, Topics } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const tenantId = env('CC_TENANT_ID');
  const expect = Number(env('CC_EXPECT'));
  const bus = new KafkaEventBus({ brokers: env('CC_KAFKA_BROKERS').split(','), clientId: 'bench-channels-observer', logger: { warn: () => undefined, error: () => undefined } });
  const latencies = new Map<string, number>();
  let done: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const subscription = await bus.subscribe({
    groupId: env('CC_GROUP'),
    topics: [Topics.message],
    fromBeginning: false,
    handler: async (event) => {
      if (event.tenantId !== tenantId || event.type !== Events.MessageReceived.type) return;
      const message = Events.MessageReceived.codec.decode(event.payload);
      if (!message.providerMessageId.startsWith('wamid.run') || latencies.has(message.providerMessageId)) return;
      latencies.set(message.providerMessageId, Date.now() - Number(message.text.slice(2)));
      if (latencies.size >= expect) done();
    },
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  await all;
  const sorted = [...latencies.values()].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
  process.stdout.write(`${JSON.stringify({ published: sorted.length, p50Ms: pct(0.5), p99Ms: pct(0.99) })}\n`);
  await subscription.close();
  await bus.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
