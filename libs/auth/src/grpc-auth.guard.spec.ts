import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Controller, INestMicroservice, Module, UseGuards, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { TenantContext } from '@contactcenter/tenancy';
import { interval, map, take } from 'rxjs';
import { AuthModule } from './auth.module';
import { CurrentPrincipal } from './current-principal';
import { DevIdentityProvider } from './dev-identity-provider';
import { GrpcAuthGuard } from './grpc-auth.guard';
import type { Principal } from './principal';
import { Public, RequireRoles, WorkspaceScoped } from './require-roles.decorator';
import { TenantContextInterceptor } from './tenant-context.interceptor';
import { freePort } from '@contactcenter/testing';

// A throwaway service exercising unary, server-streaming, public and role-restricted handlers.
const PROTO = `
syntax = "proto3";
package authprobe.v1;
service Probe {
  rpc Scope(Empty) returns (Seen);
  rpc Watch(Empty) returns (stream Seen);
  rpc Health(Empty) returns (Seen);
  rpc Admin(Empty) returns (Seen);
  rpc Workspace(Empty) returns (Seen);
}
message Empty {}
message Seen {
  string workspace_id = 1;
  string tenant_id = 2;
  string username = 3;
}
`;

interface Seen {
  workspaceId: string;
  tenantId: string;
  username: string;
}

const seen = (username = ''): Seen => ({
  workspaceId: TenantContext.current()?.workspaceId ?? '',
  tenantId: TenantContext.current()?.tenantId ?? '',
  username,
});

@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
class ProbeController {
  @GrpcMethod('Probe', 'Scope')
  async scope(@Payload() _request: object, @CurrentPrincipal() principal: Principal): Promise<Seen> {
    // The scope must survive real asynchronous hops inside the handler.
    await sleep(Math.random() * 20);
    return seen(principal.username);
  }

  @GrpcMethod('Probe', 'Watch')
  watch() {
    return interval(5).pipe(
      take(3),
      map(() => seen()),
    );
  }

  @Public()
  @GrpcMethod('Probe', 'Health')
  health(): Seen {
    return seen();
  }

  @RequireRoles('tenant-admin', 'platform-admin')
  @GrpcMethod('Probe', 'Admin')
  admin(): Seen {
    return seen();
  }

  @WorkspaceScoped()
  @GrpcMethod('Probe', 'Workspace')
  workspace(): Seen {
    return seen();
  }
}


type Unary = (request: object, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, reply?: Seen) => void) => void;
type Streaming = (request: object, metadata: grpc.Metadata) => grpc.ClientReadableStream<Seen>;
type ProbeClient = grpc.Client & Record<'scope' | 'health' | 'admin' | 'workspace', Unary> & { watch: Streaming };

describe(GrpcAuthGuard.name, () => {
  let idp: DevIdentityProvider;
  let app: INestMicroservice;
  let client: ProbeClient;
  let protoDir: string;

  beforeAll(async () => {
    idp = await DevIdentityProvider.start();
    protoDir = mkdtempSync(path.join(tmpdir(), 'auth-probe-'));
    const protoPath = path.join(protoDir, 'probe.proto');
    writeFileSync(protoPath, PROTO);

    @Module({
      imports: [AuthModule.forRoot({ issuer: idp.issuer, audience: 'contact-center-api', jwksUri: idp.jwksUri })],
      controllers: [ProbeController],
    })
    class ProbeModule {}

    const url = `127.0.0.1:${await freePort()}`;
    app = await NestFactory.createMicroservice<MicroserviceOptions>(ProbeModule, {
      transport: Transport.GRPC,
      options: { package: 'authprobe.v1', protoPath, url },
      logger: false,
    });
    await app.listen();

    const definition = protoLoader.loadSync(protoPath, { keepCase: false, defaults: true });
    const Probe = (grpc.loadPackageDefinition(definition).authprobe as grpc.GrpcObject).v1 as grpc.GrpcObject;
    const ProbeClientCtor = Probe.Probe as grpc.ServiceClientConstructor;
    client = new ProbeClientCtor(url, grpc.credentials.createInsecure()) as unknown as ProbeClient;
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
    await idp?.close();
    rmSync(protoDir, { recursive: true, force: true });
  });

  async function metadataFor(username: string | undefined, headers: Record<string, string> = {}): Promise<grpc.Metadata> {
    const metadata = new grpc.Metadata();
    if (username) metadata.set('authorization', `Bearer ${await idp.issueDemoToken(username)}`);
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    return metadata;
  }

  const call = (method: 'scope' | 'health' | 'admin' | 'workspace', metadata: grpc.Metadata) =>
    new Promise<Seen>((resolve, reject) => client[method]({}, metadata, (error, reply) => (error ? reject(error) : resolve(reply!))));

  const failure = async (promise: Promise<unknown>): Promise<grpc.ServiceError> => {
    try {
      await promise;
    } catch (error) {
      return error as grpc.ServiceError;
    }
    throw new Error('expected the call to fail');
  };

  it('runs an authorized unary handler in the caller tenant context', async () => {
    const reply = await call('scope', await metadataFor('bpo-agent-north', { 'x-tenant-id': 'northwind' }));

    expect(reply).toEqual({ workspaceId: 'globalbpo', tenantId: 'northwind', username: 'bpo-agent-north' });
  });

  it('keeps concurrent calls for different tenants apart', async () => {
    const tenants = ['northwind', 'contoso', 'northwind', 'contoso', 'northwind', 'contoso'];

    const replies = await Promise.all(
      tenants.map(async (tenant) => call('scope', await metadataFor('bpo-agent-both', { 'x-tenant-id': tenant }))),
    );

    expect(replies.map((reply) => reply.tenantId)).toEqual(tenants);
  });

  it('runs every message of a server stream in the tenant context', async () => {
    const stream = client.watch({}, await metadataFor('acme-agent', { 'x-tenant-id': 'acme' }));
    const messages: Seen[] = [];

    for await (const message of stream) messages.push(message as Seen);

    expect(messages).toEqual(Array(3).fill({ workspaceId: 'acme', tenantId: 'acme', username: '' }));
  });

  it('rejects a server stream for an ungranted tenant', async () => {
    const stream = client.watch({}, await metadataFor('acme-agent', { 'x-tenant-id': 'northwind' }));

    const error = await failure((async () => {
      for await (const _message of stream) void _message;
    })());

    expect(error.code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it.each([
    ['without a token', undefined, { 'x-tenant-id': 'northwind' }, grpc.status.UNAUTHENTICATED, 'token-missing'],
    ['for an ungranted tenant', 'bpo-agent-north', { 'x-tenant-id': 'contoso' }, grpc.status.PERMISSION_DENIED, 'tenant-not-granted'],
    ['without x-tenant-id', 'bpo-agent-north', {}, grpc.status.INVALID_ARGUMENT, 'x-tenant-id'],
  ])('fails a call %s', async (_case, username, headers, code, reason) => {
    const error = await failure(call('scope', await metadataFor(username, headers)));

    expect(error.code).toBe(code);
    expect(error.details).toContain(reason);
  });

  it('rejects a malformed authorization header', async () => {
    const metadata = await metadataFor(undefined, { authorization: 'Basic dXNlcjpwdw==', 'x-tenant-id': 'acme' });

    const error = await failure(call('scope', metadata));

    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error.details).toContain('token-malformed');
  });

  it('serves @Public() handlers without a token or tenant context', async () => {
    await expect(call('health', new grpc.Metadata())).resolves.toEqual({ workspaceId: '', tenantId: '', username: '' });
  });

  it('enforces @RequireRoles()', async () => {
    const denied = await failure(call('admin', await metadataFor('acme-supervisor', { 'x-tenant-id': 'acme' })));
    const allowed = await call('admin', await metadataFor('acme-admin', { 'x-tenant-id': 'acme' }));

    expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(denied.details).toContain('role-missing');
    expect(allowed.tenantId).toBe('acme');
  });

  it('gives @WorkspaceScoped() handlers a workspace-only context', async () => {
    const reply = await call('workspace', await metadataFor('bpo-lead'));

    expect(reply).toEqual({ workspaceId: 'globalbpo', tenantId: '', username: '' });
  });
});
