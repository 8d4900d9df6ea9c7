import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { AuthModule } from '@contactcenter/auth';
import { channelAdminV1, protoFile, protoRoot } from '@contactcenter/contracts';
import { ObservabilityModule } from '@contactcenter/observability';
import { DEMO, freePort, stackEndpoints } from '@contactcenter/testing';
import { ChannelModule, type ChannelModuleOptions } from '../channel.module';

export interface ChannelGrpcHost {
  readonly app: INestApplication;
  /** Where webhooks and web chat are served, `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** A raw grpc-js client of ChannelAdminService or MessagingService, typed by the spec. */
  client<T>(service: 'ChannelAdminService' | 'MessagingService'): T;
}

/** The channel module behind the stack's Keycloak, over gRPC and HTTP on free ports, for the int-specs. */
export async function startChannelGrpcHost(serviceName: string, options: ChannelModuleOptions): Promise<ChannelGrpcHost> {
  const { issuer } = stackEndpoints();
  @Module({
    imports: [
      ObservabilityModule.forRoot({ serviceName }),
      AuthModule.forRoot({ issuer, audience: DEMO.audience, jwksUri: `${issuer}/protocol/openid-connect/certs`, clockToleranceSec: 1 }),
      ChannelModule.register(options),
    ],
  })
  class HostModule {}
  const app = await NestFactory.create(HostModule, { logger: false });
  const url = `127.0.0.1:${await freePort()}`;
  const protoPath = [protoFile('channels', 'channel_admin_service'), protoFile('channels', 'messaging_service')];
  app.connectMicroservice(
    { transport: Transport.GRPC, options: { package: channelAdminV1.protobufPackage, protoPath, url, loader: { includeDirs: [protoRoot()] } } },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  const httpPort = await freePort();
  await app.listen(httpPort, '127.0.0.1');

  const definition = grpc.loadPackageDefinition(loadSync(protoPath, { includeDirs: [protoRoot()], longs: Number, defaults: true, oneofs: true }));
  const pkg = ((definition.contactcenter as grpc.GrpcObject).channels as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const credentials = grpc.credentials.createInsecure();
  return {
    app,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    client: <T>(service: string) => new (pkg[service] as grpc.ServiceClientConstructor)(url, credentials) as unknown as T,
  };
}
