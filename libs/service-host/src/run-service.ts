import { ReflectionService } from '@grpc/reflection';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { DataSource, type MigrationInterface } from 'typeorm';
import { AuthModule } from '@contactcenter/auth';
import { ConfigError, type ServiceConfig } from '@contactcenter/config';
import { protoRoot } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';
import { createLogger, ObservabilityModule, PinoNestLogger, startTracing } from '@contactcenter/observability';
import { busLoggerFor } from './bus-logger';

/** The settings every standalone service reads (each under its own env prefix). */
export type ServiceHostConfig = ServiceConfig;

export interface ServiceDefinition<C extends ServiceHostConfig> {
  readonly name: string;
  /** Throws ConfigError listing every problem. */
  readonly loadConfig: () => C;
  readonly migrations: readonly (new () => MigrationInterface)[];
  readonly grpc: { readonly package: string; readonly protoFiles: readonly string[] };
  /** The service's own Nest module, given what the host opened for it. */
  readonly module: (config: C, resources: { dataSource: DataSource; eventBus: KafkaEventBus }) => DynamicModule;
}

async function start<C extends ServiceHostConfig>(service: ServiceDefinition<C>, config: C): Promise<void> {
  const logger = createLogger(service.name);
  startTracing({ serviceName: service.name });

  const owner = new DataSource({ type: 'postgres', url: config.migrationDatabaseUrl, migrations: [...service.migrations] });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  const dataSource = await new DataSource({ type: 'postgres', url: config.databaseUrl }).initialize();
  const eventBus = new KafkaEventBus({
    brokers: [...config.kafkaBrokers],
    clientId: service.name,
    logger: busLoggerFor(logger.child({ component: 'event-bus' })),
  });

  @Module({
    imports: [
      ObservabilityModule.forRoot({
        serviceName: service.name,
        readinessChecks: { postgres: async () => void (await dataSource.query('SELECT 1')) },
      }),
      AuthModule.forRoot({ issuer: config.oidcIssuer, audience: config.oidcAudience }),
      service.module(config, { dataSource, eventBus }),
    ],
  })
  class ServiceHostModule {}

  const app = await NestFactory.create(ServiceHostModule, { logger: new PinoNestLogger(logger.child({ component: 'nest' })) });
  app.connectMicroservice<GrpcOptions>(
    {
      transport: Transport.GRPC,
      options: {
        url: config.grpcUrl,
        package: service.grpc.package,
        protoPath: [...service.grpc.protoFiles],
        loader: { includeDirs: [protoRoot()] },
        onLoadPackageDefinition: (definition, server) => new ReflectionService(definition).addToServer(server),
      },
    },
    // Global interceptors (tracing) must reach the gRPC handlers too.
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.httpPort);
  logger.info({ grpcUrl: config.grpcUrl, httpPort: config.httpPort }, `${service.name} is ready`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      // The consumers stop with the application, before the bus and the database they use.
      void app
        .close()
        .then(() => eventBus.close())
        .then(() => dataSource.destroy())
        .then(
          () => process.exit(0),
          (error) => {
            logger.error({ err: error }, 'failed to stop cleanly');
            process.exit(1);
          },
        );
    });
  }
}

/**
 * Runs one service as its own process: migrations as the owner, the service role for work,
 * Kafka, HTTP probes and gRPC. Exit 2 on invalid configuration, 1 when start-up fails.
 */
export function runService<C extends ServiceHostConfig>(service: ServiceDefinition<C>): void {
  let config: C;
  try {
    config = service.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  start(service, config).catch((error: unknown) => {
    createLogger(service.name).fatal({ err: error }, `${service.name} failed to start`);
    process.exit(1);
  });
}
