// One routing instance in its own process, for the fail-over test and the end-to-end bench:
// the RoutingModule with its gRPC AgentService and RoutingAdminService, on real Kafka and
// Postgres, verifying tokens against the parent's identity provider. Reports JSON lines on
// stdout ({"fixture":"routing","ready":true}, then {"loaded":[workspace ids]} as ownership changes); SIGTERM shuts it down cleanly, SIGKILL is the crash under test.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE } from '@contactcenter/auth';
import { protoFile, protoRoot, routingAgentV1 } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';
import { ObservabilityModule } from '@contactcenter/observability';
import { RoutingRuntime } from '../app/routing-runtime';
import { RoutingModule } from '../routing.module';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const report = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ fixture: 'routing', ...line })}\n`);
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => process.stderr.write(`${message} ${JSON.stringify(context)}\n`) };

async function main(): Promise<void> {
  // Every partition's batch runs one transaction per workspace in parallel: 10 connections were
  // fewer than the e2e bench's 3 partitions × 4 workspaces, so some of a batch waited for one.
  const dataSource = await new DataSource({ type: 'postgres', url: env('CC_DB_URL'), extra: { max: 16 } }).initialize();
  // Short session timeout: the group notices a killed member within seconds.
  const bus = new KafkaEventBus({
    brokers: env('CC_KAFKA_BROKERS').split(','),
    clientId: `routing-${env('CC_INSTANCE_ID')}`,
    sessionTimeoutMs: Number(process.env.CC_SESSION_TIMEOUT_MS ?? 6_000),
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
    topicNames: JSON.parse(process.env.CC_TOPIC_NAMES ?? '{}') as Record<string, string>,
    ...(process.env.CC_PARTITIONS && { partitions: Number(process.env.CC_PARTITIONS) }),
    logger: quiet,
  });
  @Module({
    imports: [
      ObservabilityModule.forRoot({ serviceName: 'routing' }),
      AuthModule.forRoot({ issuer: env('CC_ISSUER'), audience: DEFAULT_AUDIENCE, jwksUri: env('CC_JWKS_URI') }),
      RoutingModule.register({
        dataSource,
        eventBus: bus,
        consumerGroup: env('CC_GROUP'),
        relayDatabaseUrl: env('CC_RELAY_DB_URL'),
        instanceId: env('CC_INSTANCE_ID'),
        snapshotEvery: Number(process.env.CC_SNAPSHOT_EVERY ?? 20),
        // The broker is shared with other tests and benchmarks: only what comes after the start counts.
        fromBeginning: false,
      }),
    ],
  })
  class InstanceModule {}
  const app = await NestFactory.create(InstanceModule, { logger: ['error'] });
  const protoPath = [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')];
  app.connectMicroservice(
    { transport: Transport.GRPC, options: { package: routingAgentV1.protobufPackage, protoPath, url: env('CC_GRPC_URL'), loader: { includeDirs: [protoRoot()] } } },
    { inheritAppConfig: true },
  );
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.init();
  report({ ready: true, pid: process.pid });
  // Which workspaces this instance holds in memory (owns), whenever that changes.
  let loaded = '';
  setInterval(() => {
    const now = app.get(RoutingRuntime).loaded().sort();
    if (now.join(',') === loaded) return;
    loaded = now.join(',');
    report({ loaded: now });
  }, 200).unref();
  process.once('SIGTERM', () => {
    void app
      .close()
      .then(() => bus.close())
      .then(() => dataSource.destroy())
      .then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
