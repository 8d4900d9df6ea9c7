import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { AuthModule, DEFAULT_AUDIENCE, type DevIdentityProvider } from '@contactcenter/auth';
import { protoFile, protoRoot, reportingV1 } from '@contactcenter/contracts';
import { ObservabilityModule } from '@contactcenter/observability';
import { freePort } from '@contactcenter/testing';
import { ReportingModule, type ReportingModuleOptions } from '../reporting.module';

export interface ReportingGrpcHost {
  readonly app: INestApplication;
  /** A raw grpc-js client of one of reporting's services, typed by the spec. */
  client<T>(service: string): T;
}

/** Reporting's module served over gRPC on a free port, for the int-specs. */
export async function startReportingGrpcHost(serviceName: string, idp: DevIdentityProvider, options: ReportingModuleOptions): Promise<ReportingGrpcHost> {
  const url = `127.0.0.1:${await freePort()}`;
  @Module({
    imports: [
      ObservabilityModule.forRoot({ serviceName }),
      AuthModule.forRoot({ issuer: idp.issuer, audience: DEFAULT_AUDIENCE, jwksUri: idp.jwksUri }),
      ReportingModule.register(options),
    ],
  })
  class HostModule {}
  const app = await NestFactory.create(HostModule, { logger: false });
  const protoPath = [protoFile('reporting', 'reporting_service'), protoFile('reporting', 'staffing_service')];
  app.connectMicroservice(
    { transport: Transport.GRPC, options: { package: reportingV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  await app.init();

  const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
  const pkg = ((definition.contactcenter as grpc.GrpcObject).reporting as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const credentials = grpc.credentials.createInsecure();
  return { app, client: <T>(service: string) => new (pkg[service] as grpc.ServiceClientConstructor)(url, credentials) as unknown as T };
}
