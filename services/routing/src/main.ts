import 'reflect-metadata';
import { ConfigError } from '@contactcenter/config';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import { DataSource } from 'typeorm';
import { AuthModule } from '@contactcenter/auth';
import { protoFile, protoRoot, routingAgentV1 } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';
import { createLogger, ObservabilityModule, PinoNestLogger, startTracing } from '@contactcenter/observability';
import { loadRoutingConfig, type RoutingConfig } from './config';
import { ROUTING_MIGRATIONS } from './persistence/routing.migrations';
import { RoutingModule } from './routing.module';

const SERVICE_NAME = 'routing';

async function bootstrap(config: RoutingConfig): Promise<void> {
  const logger = createLogger(SERVICE_NAME);
  startTracing({ serviceName: SERVICE_NAME });

  const owner = new DataSource({ type: 'postgres', url: config.migrationDatabaseUrl, migrations: ROUTING_MIGRATIONS });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  const dataSource = await new DataSource({ type: 'postgres', url: config.databaseUrl }).initialize();
  const busLogger = logger.child({ component: 'event-bus' });
  const eventBus = new KafkaEventBus({
    brokers: [...config.kafkaBrokers],
    clientId: SERVICE_NAME,
    logger: { warn: (message, context) => busLogger.warn(context ?? {}, message), error: (message, context) => busLogger.error(context ?? {}, message) },
  });

  @Module({
    imports: [
      ObservabilityModule.forRoot({
        serviceName: SERVICE_NAME,
        readinessChecks: { postgres: async () => void (await dataSource.query('SELECT 1')) },
      }),
      AuthModule.forRoot({ issuer: config.oidcIssuer, audience: config.oidcAudience }),
      RoutingModule.register({
        dataSource,
        eventBus,
        consumerGroup: config.consumerGroup,
        snapshotEvery: config.snapshotEvery,
        preferredAgentWindowMs: config.preferredAgentWindowMs,
        relayDatabaseUrl: config.relayDatabaseUrl,
      }),
    ],
  })
  class RoutingHostModule {}

  const app = await NestFactory.create(RoutingHostModule, { logger: new PinoNestLogger(logger.child({ component: 'nest' })) });
  app.connectMicroservice<GrpcOptions>(
    {
      transport: Transport.GRPC,
      options: {
        url: config.grpcUrl,
        package: routingAgentV1.protobufPackage,
        protoPath: [protoFile('routing', 'agent_service'), protoFile('routing', 'routing_admin_service')],
        loader: { includeDirs: [protoRoot()] },
        onLoadPackageDefinition: (definition, server) => new ReflectionService(definition).addToServer(server),
      },
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.httpPort);
  logger.info({ grpcUrl: config.grpcUrl, httpPort: config.httpPort }, 'routing is ready');

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      // The consumer stops with the application, before the bus and the database it uses.
      void app
        .close()
        .then(() => eventBus.close())
        .then(() => dataSource.destroy())
        .then(() => process.exit(0), (error) => {
          logger.error({ err: error }, 'failed to stop cleanly');
          process.exit(1);
        });
    });
  }
}

try {
  void bootstrap(loadRoutingConfig()).catch((error) => {
    createLogger(SERVICE_NAME).fatal({ err: error }, 'routing failed to start');
    process.exit(1);
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
