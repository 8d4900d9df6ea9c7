import { Controller, Get, INestApplication, Module, UseGuards, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TenantContext } from '@contactcenter/tenancy';
import { AuthModule } from './auth.module';
import { CurrentPrincipal } from './current-principal';
import { DevIdentityProvider } from './dev-identity-provider';
import { HttpAuthGuard } from './http-auth.guard';
import type { Principal } from './principal';
import { Public, RequireRoles } from './require-roles.decorator';
import { TenantContextInterceptor } from './tenant-context.interceptor';

@Controller()
@UseGuards(HttpAuthGuard)
@UseInterceptors(TenantContextInterceptor)
class ProbeController {
  @Get('scope')
  async scope(@CurrentPrincipal() principal: Principal) {
    await Promise.resolve();
    return { ...TenantContext.require(), username: principal.username };
  }

  @Public()
  @Get('healthz')
  health() {
    return { status: 'ok', scoped: TenantContext.current() !== undefined };
  }

  @RequireRoles('supervisor')
  @Get('supervise')
  supervise() {
    return TenantContext.require();
  }
}

describe(HttpAuthGuard.name, () => {
  let idp: DevIdentityProvider;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    idp = await DevIdentityProvider.start();

    @Module({
      imports: [AuthModule.forRoot({ issuer: idp.issuer, audience: 'contact-center-api', jwks: idp.jwks() })],
      controllers: [ProbeController],
    })
    class ProbeModule {}

    app = await NestFactory.create(ProbeModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  async function get(route: string, username?: string, headers: Record<string, string> = {}) {
    const authorization: Record<string, string> = username ? { authorization: `Bearer ${await idp.issueDemoToken(username)}` } : {};
    const response = await fetch(`${baseUrl}/${route}`, { headers: { ...authorization, ...headers } });
    const body = (await response.json()) as Record<string, unknown>;
    return { status: response.status, body, challenge: response.headers.get('www-authenticate') };
  }

  it('runs an authorized request in the caller tenant context', async () => {
    const { status, body } = await get('scope', 'bpo-agent-both', { 'x-tenant-id': 'contoso' });

    expect(status).toBe(200);
    expect(body).toEqual({ workspaceId: 'globalbpo', tenantId: 'contoso', username: 'bpo-agent-both' });
  });

  it('answers 401 with a Bearer challenge when the token is missing', async () => {
    const { status, body, challenge } = await get('scope', undefined, { 'x-tenant-id': 'acme' });

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'UNAUTHENTICATED', reason: 'token-missing', message: expect.any(String) });
    expect(challenge).toBe('Bearer');
  });

  it('answers 401 for an expired token', async () => {
    const token = await idp.issueDemoToken('acme-agent', { expiresInSec: -60 });

    const { status, body, challenge } = await get('scope', undefined, { authorization: `Bearer ${token}`, 'x-tenant-id': 'acme' });

    expect(status).toBe(401);
    expect(body.reason).toBe('token-expired');
    expect(challenge).toBe('Bearer error="invalid_token"');
  });

  it('answers 403 for an ungranted tenant', async () => {
    const { status, body } = await get('scope', 'acme-agent', { 'x-tenant-id': 'northwind' });

    expect(status).toBe(403);
    expect(body).toMatchObject({ error: 'PERMISSION_DENIED', reason: 'tenant-not-granted' });
  });

  it('answers 403 when a required role is missing', async () => {
    const denied = await get('supervise', 'acme-agent', { 'x-tenant-id': 'acme' });
    const allowed = await get('supervise', 'acme-supervisor', { 'x-tenant-id': 'acme' });

    expect(denied.status).toBe(403);
    expect(denied.body.reason).toBe('role-missing');
    expect(allowed.body).toEqual({ workspaceId: 'acme', tenantId: 'acme' });
  });

  it('answers 400 without x-tenant-id', async () => {
    const { status, body } = await get('scope', 'acme-agent');

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'INVALID_ARGUMENT', reason: 'tenant-header-missing' });
  });

  it('serves @Public() routes without a token', async () => {
    const { status, body } = await get('healthz');

    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', scoped: false });
  });
});
