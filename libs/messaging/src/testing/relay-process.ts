// Child process for the crash tests: an outbox relay publishing to Kafka. With
// CC_PAUSE_AFTER_BATCHES=n it hangs once its n-th batch is published, before deleting those rows,
// so the parent can SIGKILL it at the worst moment. Reports on stdout as JSON lines.
import type { EventRecord } from '../event-bus.port';
import { KafkaEventBus } from '../kafka-event-bus';
import { OutboxRelay } from '../outbox-relay';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const pauseAfter = Number(process.env.CC_PAUSE_AFTER_BATCHES ?? 0);
  const bus = new KafkaEventBus({ brokers: env('CC_KAFKA_BROKERS').split(','), clientId: 'relay-process' });
  let batches = 0;
  let published = 0;
  const relay = new OutboxRelay({
    connectionString: env('CC_DB_URL'),
    batchSize: Number(process.env.CC_RELAY_BATCH_SIZE ?? 500),
    pollIntervalMs: 200,
    bus: {
      publish: async (records: readonly EventRecord[]) => {
        await bus.publish(records);
        batches += 1;
        published += records.length;
        report({ batches, published });
        if (batches === pauseAfter) {
          report({ paused: true });
          await new Promise(() => undefined);
        }
      },
    },
  });
  relay.start();
  report({ ready: true });
  process.once('SIGTERM', () => {
    void relay
      .close()
      .then(() => bus.close())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
