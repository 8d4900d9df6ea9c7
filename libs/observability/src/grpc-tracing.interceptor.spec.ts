import { platformV1, protoFile, protoRoot } from '@contactcenter/contracts';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RpcException, Transport } from '@nestjs/microservices';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { map, timer, type Observable } from 'rxjs';
import { extractTraceContext, injectTraceparent, traceMetadata } from './grpc-trace-metadata';
import { GrpcTracingInterceptor } from './grpc-tracing.interceptor';
import { ObservabilityModule } from './observability.module';
import { currentTraceparent } from './trace-context';
import { startTracing, type Tracing } from './tracing';
import { freePort } from '@contactcenter/testing';

const WHO_AM_I = 'contactcenter.platform.v1.DiagnosticsService/WhoAmI';
const PING = 'contactcenter.platform.v1.DiagnosticsService/Ping';

/** What the handlers saw as the active trace context while they ran. */
const seenInHandler: { whoAmI?: string; ping?: string } = {};

@Controller()
@platformV1.DiagnosticsServiceControllerMethods()
class DiagnosticsStubController implements platformV1.DiagnosticsServiceController {
  async whoAmI(): Promise<platformV1.WhoAmIResponse> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seenInHandler.whoAmI = currentTraceparent();
    return { subject: 's', username: 'u', workspaceId: 'w', tenantId: 't', roles: [], grantedTenantIds: [] };
  }

  ping(request: platformV1.PingRequest): Observable<platformV1.PingResponse> {
    if (request.message === 'fail') {
      throw new RpcException({ code: grpc.status.FAILED_PRECONDITION, message: 'no tenant' });
    }
    // Work that runs later, on a timer, must still see the span.
    return timer(5).pipe(
      map(() => {
        seenInHandler.ping = currentTraceparent();
        return { eventId: 'e-1' };
      }),
    );
  }
}


type UnaryMethod = (request: object, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;

describe(GrpcTracingInterceptor.name, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let app: INestApplication;
  let client: grpc.Client & Record<'WhoAmI' | 'Ping', UnaryMethod>;

  const call = (method: 'WhoAmI' | 'Ping', request: object, metadata = new grpc.Metadata()) =>
    new Promise<unknown>((resolve, reject) =>
      client[method](request, metadata, (error, response) => (error ? reject(error) : resolve(response))),
    );
  const finishedSpan = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name);

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'interceptor-spec', exporter });
    const url = `127.0.0.1:${await freePort()}`;
    const protoPath = protoFile('platform', 'diagnostics_service');

    @Module({ imports: [ObservabilityModule.forRoot({ serviceName: 'interceptor-spec' })], controllers: [DiagnosticsStubController] })
    class HostModule {}

    // A hybrid app, as every service host runs: HTTP for probes, gRPC for the API. Without
    // inheritAppConfig the global interceptor would not reach the gRPC handlers.
    app = await NestFactory.create(HostModule, { logger: false });
    app.connectMicroservice(
      { transport: Transport.GRPC, options: { package: platformV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();

    const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()] }));
    const platform = (definition.contactcenter as grpc.GrpcObject).platform as grpc.GrpcObject;
    const Client = (platform.v1 as grpc.GrpcObject).DiagnosticsService as grpc.ServiceClientConstructor;
    client = new Client(url, grpc.credentials.createInsecure()) as unknown as typeof client;
  });

  afterAll(async () => {
    client.close();
    await app.close();
    await tracing.shutdown();
  });

  beforeEach(() => exporter.reset());

  it('continues the caller trace in a SERVER span that is active while a Promise handler runs', async () => {
    const parent = await trace.getTracer('spec').startActiveSpan('caller', async (span) => {
      await call('WhoAmI', {}, traceMetadata());
      span.end();
      return span.spanContext();
    });

    const serverSpan = finishedSpan(WHO_AM_I);
    expect(serverSpan).toBeDefined();
    expect(serverSpan?.kind).toBe(SpanKind.SERVER);
    expect(serverSpan?.spanContext().traceId).toBe(parent.traceId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(parent.spanId);
    expect(serverSpan?.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'rpc.method': WHO_AM_I, 'rpc.status_code': 'OK' });
    expect(seenInHandler.whoAmI).toBe(`00-${parent.traceId}-${serverSpan?.spanContext().spanId}-01`);
  });

  it('keeps the span active inside an Observable handler and ends it when the stream completes', async () => {
    const metadata = new grpc.Metadata();
    const parent = trace.getTracer('spec').startActiveSpan('caller', (span) => {
      injectTraceparent(metadata);
      span.end();
      return span.spanContext();
    });

    await call('Ping', { message: 'hello' }, metadata);

    const serverSpan = finishedSpan(PING);
    expect(serverSpan?.spanContext().traceId).toBe(parent.traceId);
    expect(seenInHandler.ping).toBe(`00-${parent.traceId}-${serverSpan?.spanContext().spanId}-01`);
  });

  it('records a failed call with its gRPC status', async () => {
    await expect(call('Ping', { message: 'fail' })).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });

    const serverSpan = finishedSpan(PING);
    expect(serverSpan?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no tenant' });
    expect(serverSpan?.attributes['rpc.status_code']).toBe('FAILED_PRECONDITION');
  });

  it('starts a new trace when the call carries no traceparent', async () => {
    await call('WhoAmI', {});

    const serverSpan = finishedSpan(WHO_AM_I);
    expect(serverSpan?.parentSpanContext).toBeUndefined();
    expect(seenInHandler.whoAmI).toContain(serverSpan?.spanContext().traceId);
  });
});

describe(traceMetadata.name, () => {
  let tracing: Tracing;

  beforeAll(() => {
    tracing = startTracing({ serviceName: 'metadata-spec', exporter: new InMemorySpanExporter() });
  });

  afterAll(() => tracing.shutdown());

  it('carries the active span as a traceparent that the server side reads back', () => {
    const { sent, span } = trace.getTracer('spec').startActiveSpan('caller', (active) => {
      active.end();
      return { sent: traceMetadata(), span: active.spanContext() };
    });

    expect(sent.get('traceparent')).toEqual([`00-${span.traceId}-${span.spanId}-01`]);
    expect(trace.getSpanContext(extractTraceContext(sent))).toMatchObject({ traceId: span.traceId, spanId: span.spanId, isRemote: true });
  });

  it('is empty outside any span', () => {
    expect(traceMetadata().get('traceparent')).toEqual([]);
  });
});
