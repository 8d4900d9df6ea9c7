import 'reflect-metadata';
import { ConfigError } from '@contactcenter/config';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type GrpcOptions, Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import { DataSource } from 'typeorm';
import { AuthModule } from '@contactcenter/auth';
import { protoFile, protoRoot, reportingV1 } from '@contactcenter/contracts';
import { KafkaEventBus } from '@contactcenter/messaging';
import { createLogger, ObservabilityModule, PinoNestLogger, startTracing } from '@contactcenter/observability';
import { loadReportingConfig, type ReportingConfig } from './config';
import { REPORTING_MIGRATIONS } from './persistence/reporting.migrations';
import { ReportingModule } from './reporting.module';

const SERVICE_NAME = 'reporting';

async function bootstrap(config: ReportingConfig): Promise<void> {
  const logger = createLogger(SERVICE_NAME);
  startTracing({ serviceName: SERVICE_NAME });

  const owner = new DataSource({ type: 'postgres', url: config.migrationDatabaseUrl, migrations: REPORTING_MIGRATIONS });
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
      ReportingModule.register({ dataSource, eventBus, settings: config.kpiSettings, consumerGroup: config.consumerGroup }),
    ],
  })
  class ReportingHostModule {}

  const app = await NestFactory.create(ReportingHostModule, { logger: new PinoNestLogger(logger.child({ component: 'nest' })) });
  app.connectMicroservice<GrpcOptions>(
    {
      transport: Transport.GRPC,
      options: {
        url: config.grpcUrl,
        package: reportingV1.protobufPackage,
        protoPath: [protoFile('reporting', 'reporting_service'), protoFile('reporting', 'staffing_service')],
        loader: { includeDirs: [protoRoot()] },
        onLoadPackageDefinition: (definition, server) => new ReflectionService(definition).addToServer(server),
      },
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.httpPort);
  logger.info({ grpcUrl: config.grpcUrl, httpPort: config.httpPort }, 'reporting is ready');

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
  void bootstrap(loadReportingConfig()).catch((error) => {
    createLogger(SERVICE_NAME).fatal({ err: error }, 'reporting failed to start');
    process.exit(1);
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
