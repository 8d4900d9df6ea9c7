import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { ReadinessCheck } from './health';
import { createCounter } from './metrics';
import { ObservabilityModule } from './observability.module';

describe(ObservabilityModule.name, () => {
  let sut: INestApplication;
  let baseUrl: string;
  let databaseUp = true;

  beforeAll(async () => {
    const database: ReadinessCheck = async () => {
      if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    };
    const broker: ReadinessCheck = async () => undefined;

    @Module({
      imports: [
        ObservabilityModule.forRoot({ serviceName: 'spec-service', readinessChecks: { database, broker } }),
      ],
    })
    class HostModule {}

    sut = await NestFactory.create(HostModule, { logger: false });
    await sut.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(sut.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(() => sut.close());

  it('answers /healthz while the process lives', async () => {
    const response = await fetch(`${baseUrl}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 naming the failing check and why', async () => {
    databaseUp = false;

    const response = await fetch(`${baseUrl}/readyz`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not-ready',
      ready: false,
      checks: { database: 'connect ECONNREFUSED 127.0.0.1:5432', broker: 'ok' },
      failing: [{ check: 'database', reason: 'connect ECONNREFUSED 127.0.0.1:5432' }],
    });
  });

  it('answers /readyz with 200 once every check passes', async () => {
    databaseUp = true;

    const response = await fetch(`${baseUrl}/readyz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', ready: true, failing: [] });
  });

  it('serves default and custom metrics in Prometheus text, labelled with the service', async () => {
    createCounter({ name: 'cc_spec_things_total', help: 'Things counted by the spec' }).inc(3);

    const response = await fetch(`${baseUrl}/metrics`);
    const body = await response.text();

    expect(response.status).toBe(200);
    // Prometheus' text exposition format, whatever order Express puts the parameters in.
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(body).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(body).toMatch(/^nodejs_heap_size_total_bytes\{service="spec-service"\} \d+/m);
    expect(body).toContain('cc_spec_things_total{service="spec-service"} 3');
  });
});
