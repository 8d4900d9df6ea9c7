// Child process of bus.bench.ts: the raw kafkajs producer. It runs in its own process as the
// outbox relay does on our path, so on both paths producing and consuming use separate
// processes. Commands arrive as JSON lines on stdin; reports leave as JSON lines on stdout.
import { randomBytes, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { EventHeaders } from '@contactcenter/messaging';
import { paced } from './pacing';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

interface Command {
  send?: number;
  batch?: number;
  pacedPerTick?: number;
  tickMs?: number;
  seconds?: number;
}

async function main(): Promise<void> {
  const topic = env('CC_TOPIC');
  const keys = env('CC_KEYS').split(',');
  const value = randomBytes(Number(env('CC_PAYLOAD_BYTES')));
  const kafka = new Kafka({ clientId: 'bench-raw-producer', brokers: env('CC_KAFKA_BROKERS').split(','), logLevel: logLevel.ERROR });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // The same headers as our path carries, so records have the same size on the wire.
  const message = (key: string): Message => ({
    key,
    value,
    headers: {
      [EventHeaders.id]: randomUUID(),
      [EventHeaders.type]: 'contactcenter.platform.v1.PingEmitted',
      [EventHeaders.time]: new Date().toISOString(),
      [EventHeaders.workspaceId]: key,
      [EventHeaders.tenantId]: key,
      sent: String(Date.now()),
    },
  });
  const send = (count: number) =>
    producer.send({ topic, messages: Array.from({ length: count }, (_, i) => message(keys[i % keys.length])) });

  const run = async (command: Command) => {
    if (command.send !== undefined) {
      const batch = command.batch ?? 500;
      for (let sent = 0; sent < command.send; sent += batch) await send(Math.min(batch, command.send - sent));
      report({ sent: command.send });
    } else if (command.pacedPerTick !== undefined) {
      const perTick = command.pacedPerTick;
      const ticks = await paced(command.tickMs ?? 20, command.seconds ?? 5, () => send(perTick));
      report({ sent: ticks * perTick, paced: true });
    }
  };
  let queue = Promise.resolve();
  createInterface({ input: process.stdin })
    .on('line', (line) => {
      queue = queue.then(() => run(JSON.parse(line) as Command));
    })
    .on('close', () => {
      void queue.then(() => producer.disconnect()).then(() => process.exit(0));
    });
  report({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
