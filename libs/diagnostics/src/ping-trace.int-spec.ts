import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { DataSource } from 'typeorm';
import { AuthModule, DEFAULT_AUDIENCE, DevIdentityProvider } from '@contactcenter/auth';
import { Events, platformV1, protoFile, protoRoot, Topics } from '@contactcenter/contracts';
import { createOutboxMigration, KafkaEventBus, OutboxRelay, type ConsumedEvent } from '@contactcenter/messaging';
import { ObservabilityModule, startTracing, traceMetadata, type Tracing } from '@contactcenter/observability';
import { createTestDatabase, stackEndpoints, uniqueGroup, type TestDatabase, freePort } from '@contactcenter/testing';
import { DiagnosticsModule } from './diagnostics.module';

type PingClient = grpc.Client & {
  ping(request: platformV1.PingRequest, metadata: grpc.Metadata, cb: (e: grpc.ServiceError | null, r?: platformV1.PingResponse) => void): void;
};


const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };

// The whole path of one operation: client span → gRPC server span → outbox row → relay →
// real Kafka → consumer span. One trace id must span all of it.
describe('Ping trace propagation (gRPC → outbox → Kafka → consumer)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let app: INestApplication;
  let bus: KafkaEventBus;
  let relay: OutboxRelay;
  let client: PingClient;
  const received: { event: ConsumedEvent; traceId?: string }[] = [];

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'ping-trace-spec', exporter });
    db = await createTestDatabase('ping_trace');
    const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: [createOutboxMigration()] });
    await owner.initialize();
    await owner.runMigrations();
    await owner.destroy();
    dataSource = await new DataSource({ type: 'postgres', url: db.url('app') }).initialize();
    idp = await DevIdentityProvider.start();

    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'ping-trace-spec', logger: quiet });
    await bus.subscribe({
      groupId: uniqueGroup('ping-trace'),
      topics: [Topics.platform],
      fromBeginning: false,
      handler: async (event) => {
        received.push({ event, traceId: trace.getActiveSpan()?.spanContext().traceId });
      },
    });
    relay = new OutboxRelay({ connectionString: db.url('relay'), bus, pollIntervalMs: 100, logger: quiet });
    relay.start();

    const url = `127.0.0.1:${await freePort()}`;
    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'ping-trace-spec' }),
        AuthModule.forRoot({ issuer: idp.issuer, audience: DEFAULT_AUDIENCE, jwksUri: idp.jwksUri }),
        DiagnosticsModule.register({ dataSource }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create(HostModule, { logger: false });
    const protoPath = protoFile('platform', 'diagnostics_service');
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: platformV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();

    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()] }));
    const Client = ((definition.contactcenter as grpc.GrpcObject).platform as grpc.GrpcObject).v1 as grpc.GrpcObject;
    client = new (Client.DiagnosticsService as grpc.ServiceClientConstructor)(url, grpc.credentials.createInsecure()) as unknown as PingClient;
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    await relay?.close();
    await bus?.close();
    await idp?.close();
    await dataSource?.destroy();
    await db?.drop();
    await tracing?.shutdown();
  });

  it('carries one trace id from the gRPC caller through Kafka to the consumer', async () => {
    const token = await idp.issueDemoToken('bpo-agent-north');

    const { traceId, eventId } = await trace.getTracer('spec').startActiveSpan('caller', async (span) => {
      const metadata = traceMetadata();
      metadata.set('authorization', `Bearer ${token}`);
      metadata.set('x-tenant-id', 'northwind');
      const response = await new Promise<platformV1.PingResponse>((resolve, reject) =>
        client.ping({ message: 'trace me' }, metadata, (e, r) => (e ? reject(e) : resolve(r!))),
      );
      span.end();
      return { traceId: span.spanContext().traceId, eventId: response.eventId };
    });

    const deadline = Date.now() + 30_000;
    while (!received.some((r) => r.event.id === eventId) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const delivery = received.find((r) => r.event.id === eventId);
    expect(delivery).toBeDefined();
    expect(delivery!.event.type).toBe(Events.PingEmitted.type);
    expect(delivery!.event.tenantId).toBe('northwind');
    expect(Events.PingEmitted.codec.decode(delivery!.event.payload).message).toBe('trace me');

    const serverSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId);
    expect(serverSpan).toBeDefined();
    expect(delivery!.event.traceparent).toContain(traceId);
    expect(delivery!.traceId).toBe(traceId);
  });

  it('rejects a Ping for a tenant the caller is not granted, writing nothing', async () => {
    const token = await idp.issueDemoToken('bpo-agent-north');
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('x-tenant-id', 'contoso');

    const error = await new Promise<grpc.ServiceError>((resolve) => client.ping({ message: 'x' }, metadata, (e) => resolve(e!)));

    expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
    const rows = await dataSource.query(`SELECT count(*)::int AS n FROM outbox`);
    expect(rows[0].n).toBe(0);
  });
});
