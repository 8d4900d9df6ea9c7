// Child process for the crash tests: a Kafka consumer recording deliveries through the inbox.
// With CC_STALL_AFTER_EVENTS=n it hangs after the batch that brings its fresh events to n,
// after the database commit but before the offsets are committed, so the parent can SIGKILL
// it with processed-but-uncommitted events. Reports on stdout as JSON lines.
import { KafkaEventBus } from '../kafka-event-bus';
import { appDataSource, recordingHandlers, type DeliveryCounters } from './delivery-scenario';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<void> {
  const stallAfter = Number(process.env.CC_STALL_AFTER_EVENTS ?? 0);
  const dataSource = await appDataSource(env('CC_DB_URL')).initialize();
  const bus = new KafkaEventBus({
    brokers: env('CC_KAFKA_BROKERS').split(','),
    clientId: 'consumer-process',
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 1_000,
    commitIntervalMs: 60_000,
  });
  const groupId = env('CC_GROUP');
  const counters: DeliveryCounters = { seen: 0, fresh: 0 };
  let stalled = false;
  await bus.subscribe({
    groupId,
    topics: [env('CC_TOPIC')],
    ...recordingHandlers(dataSource, groupId, counters, async () => {
      if (stalled || (stallAfter > 0 && counters.fresh >= stallAfter)) {
        stalled = true;
        report({ stalled: true, ...counters });
        await new Promise(() => undefined);
      }
    }),
  });
  report({ ready: true });
  const progress = setInterval(() => report({ ...counters }), 250);
  process.once('SIGTERM', () => {
    clearInterval(progress);
    void bus
      .close()
      .then(() => dataSource.destroy())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
