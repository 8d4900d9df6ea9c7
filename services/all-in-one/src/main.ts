import 'reflect-metadata';
import { DEFAULT_AUDIENCE, DevIdentityProvider } from '@contactcenter/auth';
import { protoRoot } from '@contactcenter/contracts';
import { createInboxMigration, createOutboxMigration, InProcessEventBus, OutboxRelay } from '@contactcenter/messaging';
import { ensureServiceRoles, provisionServiceDatabase, serviceDbUrl } from '@contactcenter/tenancy';
import { DataSource, type MigrationInterface } from 'typeorm';
import { busLoggerFor } from '@contactcenter/service-host';
import { createLogger, PinoNestLogger, startTracing, type Logger } from '@contactcenter/observability';
import { ReflectionService } from '@grpc/reflection';
import { NestFactory } from '@nestjs/core';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { AllInOneModule, SERVICE_NAME } from './all-in-one.module';
import { ConfigError, loadConfig, type AllInOneConfig } from './config';
import { demoDirectory } from './demo-directory';
import { startEmbeddedPostgres } from './embedded-postgres';
import { SERVICE_MODULES, type HostResources } from './service-modules';
import { formatStartupBanner } from './startup-banner';

const DATABASE = 'contactcenter';
// The embedded server listens on loopback only; the roles' password guards nothing else.
const ROLE_PASSWORD = 'contactcenter';
const DEMO_TOKEN_TTL_SEC = 12 * 60 * 60;
const SHUTDOWN_TIMEOUT_MS = 30_000;

/** What was started, closed in reverse order on the way out. */
class ShutdownStack {
  private readonly steps: { name: string; close: () => Promise<unknown> }[] = [];

  constructor(private readonly logger: Logger) {}

  add(name: string, close: () => Promise<unknown>): void {
    this.steps.push({ name, close });
  }

  async closeAll(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.close();
        this.logger.debug({ step: step.name }, 'stopped');
      } catch (error) {
        this.logger.error({ err: error, step: step.name }, 'failed to stop cleanly');
      }
    }
  }
}

async function main(): Promise<void> {
  let config: AllInOneConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(SERVICE_NAME);
  const tracing = startTracing({ serviceName: SERVICE_NAME });
  const stack = new ShutdownStack(logger);
  stack.add('tracing', () => tracing.shutdown());

  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    const forced = setTimeout(() => {
      logger.fatal(`shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    forced.unref();
    await stack.closeAll();
    logger.info('stopped');
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C means "now".
      if (stopping) process.exit(130);
      void stop(signal, 0);
    });
  }
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled promise rejection');
    void stop('unhandledRejection', 1);
  });

  try {
    await start(config, logger, stack);
  } catch (error) {
    logger.fatal({ err: error }, 'all-in-one failed to start');
    await stop('start-up failed', 1);
  }
}

async function start(config: AllInOneConfig, logger: Logger, stack: ShutdownStack): Promise<void> {
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(config.dataDir, 'postgres'),
    port: config.pgPort,
    database: DATABASE,
    logger,
  });
  stack.add('postgres', () => postgres.stop());
  const pool = new Pool({ connectionString: postgres.url, max: 2 });
  // An idle client losing its server (Postgres stopping) must not crash the process.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection failed'));
  stack.add('postgres pool', () => pool.end());

  const busLogger = logger.child({ component: 'event-bus' });
  const busLog = busLoggerFor(busLogger);
  const eventBus = new InProcessEventBus({ logger: busLog });
  stack.add('event bus', () => eventBus.close());

  // Same roles as production (ADR 0004): migrations as the owner, services as cc_app (RLS
  // applies), each database's outbox relayed onto the bus as cc_relay.
  await ensureServiceRoles(postgres.url, ROLE_PASSWORD);
  const serviceDatabase = async (name: string, migrations: readonly (new () => MigrationInterface)[]) => {
    await provisionServiceDatabase(postgres.url, name);
    const owner = new DataSource({ type: 'postgres', url: serviceDbUrl(postgres.url, name, 'owner', ROLE_PASSWORD), migrations: [...migrations] });
    await owner.initialize();
    await owner.runMigrations();
    await owner.destroy();
    const service = await new DataSource({ type: 'postgres', url: serviceDbUrl(postgres.url, name, 'app', ROLE_PASSWORD) }).initialize();
    stack.add(`${name} database`, () => service.destroy());
    const [{ outbox }] = await service.query(`SELECT to_regclass('outbox') IS NOT NULL AS outbox`);
    if (outbox) {
      const relay = new OutboxRelay({ connectionString: serviceDbUrl(postgres.url, name, 'relay', ROLE_PASSWORD), bus: eventBus, logger: busLog });
      relay.start();
      stack.add(`${name} outbox relay`, () => relay.close());
    }
    return service;
  };
  const dataSource = await serviceDatabase(DATABASE, [createOutboxMigration(), createInboxMigration()]);

  const identity = await DevIdentityProvider.start({ port: config.idpPort });
  stack.add('identity provider', () => identity.close());

  const publicHost = (host: string) => (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
  const resources: HostResources = {
    eventBus,
    postgresUrl: postgres.url,
    dataSource,
    dataDir: config.dataDir,
    sip: { host: config.bindHost, port: config.sipPort, publicAddress: config.bindHost === '0.0.0.0' || config.bindHost === '::' ? '127.0.0.1' : config.bindHost },
    grpcUrl: `${config.bindHost === '0.0.0.0' || config.bindHost === '::' ? '127.0.0.1' : config.bindHost}:${config.grpcPort}`,
    serviceClient: (name) => identity.registerServiceClient(`${name}-service`, ['service']),
    serviceDatabase,
  };
  const serviceModules = await Promise.all(SERVICE_MODULES.map((service) => service.module(resources)));
  const app = await NestFactory.create(
    AllInOneModule.forRoot({
      readinessChecks: {
        postgres: async () => {
          await pool.query('SELECT 1');
        },
        'identity-provider': async () => {
          const response = await fetch(`${identity.issuer}/.well-known/openid-configuration`);
          if (!response.ok) throw new Error(`discovery answered ${response.status}`);
        },
      },
      auth: { issuer: identity.issuer, audience: DEFAULT_AUDIENCE, jwks: identity.jwks() },
      serviceModules,
    }),
    {
      logger: new PinoNestLogger(logger.child({ component: 'nest' })),
      abortOnError: false,
      // Keep-alive connections (browsers, scrapers) must not hold the shutdown open.
      forceCloseConnections: true,
    },
  );
  stack.add('nest application', () => app.close());

  app.connectMicroservice<GrpcOptions>(
    {
      transport: Transport.GRPC,
      options: {
        url: `${config.bindHost}:${config.grpcPort}`,
        package: SERVICE_MODULES.map((service) => service.grpc.package),
        protoPath: SERVICE_MODULES.flatMap((service) => service.grpc.protoFiles),
        loader: { includeDirs: [protoRoot()] },
        onLoadPackageDefinition: (definition, server) => new ReflectionService(definition).addToServer(server),
      },
    },
    // Global interceptors (gRPC tracing) apply to the gRPC handlers too.
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.bindHost);

  const directory = demoDirectory();
  const tokenExpiry = new Date(Date.now() + DEMO_TOKEN_TTL_SEC * 1000);
  const tokens = Object.fromEntries(
    await Promise.all(
      directory.users.map(async (user) => [user.username, await identity.issueDemoToken(user.username, { expiresInSec: DEMO_TOKEN_TTL_SEC })]),
    ),
  );
  const tokensFile = path.join(config.dataDir, 'demo-tokens.json');
  writeFileSync(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; a file from an earlier run keeps its own.
  chmodSync(tokensFile, 0o600);

  process.stdout.write(
    formatStartupBanner({
      grpcAddress: `${publicHost(config.bindHost)}:${config.grpcPort}`,
      grpcServices: SERVICE_MODULES.map((service) => `${service.name} (${service.grpc.package})`),
      httpBaseUrl: `http://${publicHost(config.bindHost)}:${config.httpPort}`,
      sipAddress: `sip:${publicHost(config.bindHost)}:${config.sipPort} (UDP and TCP)`,
      issuer: identity.issuer,
      jwksUri: identity.jwksUri,
      audience: DEFAULT_AUDIENCE,
      postgresUrl: postgres.url,
      dataDir: config.dataDir,
      tokensFile,
      tokenExpiry,
      directory,
      tokens,
    }),
  );
  logger.info(
    { httpPort: config.httpPort, grpcPort: config.grpcPort, sipPort: config.sipPort, idpPort: config.idpPort, pgPort: config.pgPort, services: SERVICE_MODULES.map((s) => s.name) },
    'all-in-one is ready',
  );
}

void main();
