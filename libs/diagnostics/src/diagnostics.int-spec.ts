import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { AuthModule, DevIdentityProvider } from '@contactcenter/auth';
import { platformV1, protoFile, protoRoot } from '@contactcenter/contracts';
import { DEMO, passwordToken, serviceToken, stackEndpoints, freePort } from '@contactcenter/testing';
import { decodeJwt } from 'jose';
import { DiagnosticsModule } from './diagnostics.module';

const PACKAGE = 'contactcenter.platform.v1';
const LOADER = { includeDirs: [protoRoot()], keepCase: false, longs: Number, enums: Number, defaults: true, oneofs: true };
const CLOCK_TOLERANCE_SEC = 1;

type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response?: Res) => void) => void;
type DiagnosticsClient = grpc.Client & {
  whoAmI: Unary<platformV1.WhoAmIRequest, platformV1.WhoAmIResponse>;
  ping: Unary<platformV1.PingRequest, platformV1.PingResponse>;
};

interface ReflectionReply {
  listServicesResponse?: { service: { name: string }[] };
}


function loadService(file: string, options: protoLoader.Options, ...namespace: string[]): grpc.ServiceClientConstructor {
  let node: unknown = grpc.loadPackageDefinition(protoLoader.loadSync(file, options));
  for (const name of namespace) node = (node as grpc.GrpcObject)[name];
  return node as grpc.ServiceClientConstructor;
}

describe('DiagnosticsService (gRPC, real Keycloak)', () => {
  let app: INestMicroservice;
  let client: DiagnosticsClient;
  let url: string;

  beforeAll(async () => {
    const { issuer } = stackEndpoints();

    @Module({
      imports: [
        AuthModule.forRoot({
          issuer,
          audience: DEMO.audience,
          jwksUri: `${issuer}/protocol/openid-connect/certs`,
          clockToleranceSec: CLOCK_TOLERANCE_SEC,
        }),
        DiagnosticsModule.register(),
      ],
    })
    class DiagnosticsTestApp {}

    url = `127.0.0.1:${await freePort()}`;
    app = await NestFactory.createMicroservice<MicroserviceOptions>(DiagnosticsTestApp, {
      transport: Transport.GRPC,
      options: {
        package: PACKAGE,
        protoPath: protoFile('platform', 'diagnostics_service'),
        url,
        loader: LOADER,
        onLoadPackageDefinition: (definition, server) => new ReflectionService(definition).addToServer(server),
      },
      logger: false,
    });
    await app.listen();

    const Service = loadService(protoFile('platform', 'diagnostics_service'), LOADER, ...PACKAGE.split('.'), 'DiagnosticsService');
    client = new Service(url, grpc.credentials.createInsecure()) as unknown as DiagnosticsClient;
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  function metadata(token: string | undefined, headers: Record<string, string> = {}): grpc.Metadata {
    const result = new grpc.Metadata();
    if (token) result.set('authorization', `Bearer ${token}`);
    for (const [key, value] of Object.entries(headers)) result.set(key, value);
    return result;
  }

  const whoAmI = (md: grpc.Metadata) =>
    new Promise<platformV1.WhoAmIResponse>((resolve, reject) =>
      client.whoAmI({}, md, (error, response) => (error ? reject(error) : resolve(response!))),
    );

  async function failure(promise: Promise<unknown>): Promise<grpc.ServiceError> {
    try {
      await promise;
    } catch (error) {
      return error as grpc.ServiceError;
    }
    throw new Error('expected the call to fail');
  }

  describe('a user granted one tenant (bpo-agent-north → northwind)', () => {
    let token: string;

    beforeAll(async () => {
      token = await passwordToken('bpo-agent-north');
    });

    it('is accepted for that tenant and sees itself as the platform does', async () => {
      const response = await whoAmI(metadata(token, { 'x-tenant-id': 'northwind' }));

      expect(response).toEqual({
        subject: decodeJwt(token).sub,
        username: 'bpo-agent-north',
        workspaceId: 'globalbpo',
        tenantId: 'northwind',
        roles: ['agent'],
        grantedTenantIds: ['northwind'],
      });
    });

    it.each([
      ['another tenant of its workspace', { 'x-tenant-id': 'contoso' }, 'tenant-not-granted'],
      ["another workspace's tenant", { 'x-tenant-id': 'acme' }, 'tenant-not-granted'],
      ['another workspace', { 'x-tenant-id': 'acme', 'x-workspace-id': 'acme' }, 'workspace-not-granted'],
    ])('is denied for %s', async (_case, headers, reason) => {
      const error = await failure(whoAmI(metadata(token, headers)));

      expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(error.details).toContain(reason);
    });

    it('must name the tenant in x-tenant-id', async () => {
      const error = await failure(whoAmI(metadata(token)));

      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error.details).toContain('tenant-header-missing');
      expect(error.details).toContain('x-tenant-id');
    });
  });

  it('serves a user granted several tenants for each of them', async () => {
    const token = await passwordToken('bpo-agent-both');

    const [northwind, contoso] = await Promise.all([
      whoAmI(metadata(token, { 'x-tenant-id': 'northwind' })),
      whoAmI(metadata(token, { 'x-tenant-id': 'contoso' })),
    ]);

    expect([northwind.tenantId, contoso.tenantId]).toEqual(['northwind', 'contoso']);
    expect(contoso.grantedTenantIds).toEqual(['northwind', 'contoso']);
  });

  describe('rejects as UNAUTHENTICATED a token that is', () => {
    it('expired', async () => {
      const token = await passwordToken('bpo-agent-north', { clientId: DEMO.clients.short });
      const fresh = await whoAmI(metadata(token, { 'x-tenant-id': 'northwind' }));
      const expiresAtMs = (decodeJwt(token).exp! + CLOCK_TOLERANCE_SEC + 1) * 1000;
      await sleep(Math.max(0, expiresAtMs - Date.now()));

      const error = await failure(whoAmI(metadata(token, { 'x-tenant-id': 'northwind' })));

      expect(fresh.tenantId).toBe('northwind');
      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(error.details).toContain('token-expired');
    });

    it('tampered with (grants itself another tenant)', async () => {
      const [header, payload, signature] = (await passwordToken('bpo-agent-north')).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, tenants: ['northwind', 'contoso'] })).toString('base64url');

      const error = await failure(whoAmI(metadata(`${header}.${forged}.${signature}`, { 'x-tenant-id': 'contoso' })));

      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(error.details).toContain('bad-signature');
    });

    it('tampered with (one payload character flipped)', async () => {
      const [header, payload, signature] = (await passwordToken('bpo-agent-north')).split('.');
      const at = Math.floor(payload.length / 2);
      const flipped = payload.slice(0, at) + (payload[at] === 'A' ? 'B' : 'A') + payload.slice(at + 1);

      const error = await failure(whoAmI(metadata(`${header}.${flipped}.${signature}`, { 'x-tenant-id': 'northwind' })));

      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    });

    it('from another issuer (the development identity provider)', async () => {
      const devIdp = await DevIdentityProvider.start();
      try {
        const token = await devIdp.issueDemoToken('bpo-agent-north');

        const error = await failure(whoAmI(metadata(token, { 'x-tenant-id': 'northwind' })));

        expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
        expect(error.details).toContain('wrong-issuer');
      } finally {
        await devIdp.close();
      }
    });

    it('missing', async () => {
      const error = await failure(whoAmI(metadata(undefined, { 'x-tenant-id': 'northwind' })));

      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(error.details).toContain('token-missing');
    });
  });

  describe('the cc-service client', () => {
    let token: string;

    beforeAll(async () => {
      token = await serviceToken();
    });

    it.each([
      ['globalbpo', 'northwind'],
      ['globalbpo', 'contoso'],
      ['acme', 'acme'],
    ])('acts in %s for tenant %s', async (workspaceId, tenantId) => {
      const response = await whoAmI(metadata(token, { 'x-workspace-id': workspaceId, 'x-tenant-id': tenantId }));

      expect(response).toMatchObject({ username: 'service-account-cc-service', workspaceId, tenantId, roles: ['service'] });
    });

    it('names the workspace it acts in, having no organization', async () => {
      const error = await failure(whoAmI(metadata(token, { 'x-tenant-id': 'acme' })));

      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error.details).toContain('x-workspace-id');
    });
  });

  it('lets platform-admin act for any tenant', async () => {
    const token = await passwordToken('platform-admin');

    const response = await whoAmI(metadata(token, { 'x-workspace-id': 'globalbpo', 'x-tenant-id': 'contoso' }));

    expect(response).toMatchObject({ workspaceId: 'globalbpo', tenantId: 'contoso', roles: ['platform-admin'], grantedTenantIds: [] });
  });

  it('answers UNIMPLEMENTED for Ping when the host has no outbox', async () => {
    const token = await passwordToken('bpo-agent-north');

    const error = await failure(
      new Promise((resolve, reject) =>
        client.ping({ message: 'hi' }, metadata(token, { 'x-tenant-id': 'northwind' }), (e, r) => (e ? reject(e) : resolve(r))),
      ),
    );

    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it('lists its services through gRPC server reflection', async () => {
    const protoDir = path.join(path.dirname(require.resolve('@grpc/reflection')), '..', 'proto');
    const reflectionProto = path.join(protoDir, 'grpc', 'reflection', 'v1', 'reflection.proto');
    const Reflection = loadService(reflectionProto, { keepCase: false }, 'grpc', 'reflection', 'v1', 'ServerReflection');
    const reflection = new Reflection(url, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      serverReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionReply>;
    };
    try {
      const stream = reflection.serverReflectionInfo();
      const reply = new Promise<ReflectionReply>((resolve, reject) => {
        stream.once('data', resolve);
        stream.once('error', reject);
      });
      stream.write({ listServices: '' });
      const services = (await reply).listServicesResponse?.service.map((service) => service.name);
      stream.end();

      expect(services).toContain(`${PACKAGE}.DiagnosticsService`);
    } finally {
      reflection.close();
    }
  });
});
