import { decodeJwt, decodeProtectedHeader, JSONWebKeySet } from 'jose';
import { demoUsers, DevIdentityProvider } from './dev-identity-provider';
import { JwtVerifier } from './jwt-verifier';
import { ServiceTokenSource } from './service-token.source';

describe(DevIdentityProvider.name, () => {
  let sut: DevIdentityProvider;

  beforeAll(async () => {
    sut = await DevIdentityProvider.start({ port: 0 });
  });
  afterAll(() => sut.close());

  it('serves OpenID discovery pointing at its JWKS', async () => {
    const discovery = (await (await fetch(`${sut.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as JSONWebKeySet;

    expect(discovery.issuer).toBe(sut.issuer);
    expect(discovery.jwks_uri).toBe(sut.jwksUri);
    expect(jwks).toEqual(sut.jwks());
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) })]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('grants client-credentials tokens to registered service clients, as a Keycloak service account', async () => {
    const client = sut.registerServiceClient('channels-svc', ['service']);
    const discovery = (await (await fetch(`${sut.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const token = await new ServiceTokenSource(client).token();
    const claims = await new JwtVerifier({ issuer: sut.issuer, audience: 'contact-center-api', jwksUri: sut.jwksUri, clockToleranceSec: 0 }).verify(token);

    expect(discovery).toMatchObject({ token_endpoint: client.tokenUrl, grant_types_supported: ['client_credentials'] });
    expect(claims).toMatchObject({ azp: 'channels-svc', preferred_username: 'service-account-channels-svc', realm_access: { roles: ['service'] } });
    expect(claims).not.toHaveProperty('organization');
    expect(claims).not.toHaveProperty('tenants');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300);
  });

  it('refuses a wrong secret, an unknown client and other grants with the OAuth error codes', async () => {
    const client = sut.registerServiceClient('telephony-svc', ['service']);
    const post = async (form: Record<string, string>) => {
      const response = await fetch(client.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
      return [response.status, ((await response.json()) as { error?: string }).error];
    };

    expect(await post({ grant_type: 'client_credentials', client_id: 'telephony-svc', client_secret: 'guess' })).toEqual([401, 'invalid_client']);
    expect(await post({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: client.clientSecret })).toEqual([401, 'invalid_client']);
    expect(await post({ grant_type: 'password', username: 'acme-agent', password: 'demo' })).toEqual([400, 'unsupported_grant_type']);
    await expect(new ServiceTokenSource({ ...client, clientSecret: 'guess' }).token()).rejects.toThrow('client-credentials token for telephony-svc refused: 401 invalid_client');
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(`${sut.issuer}/token`)).status).toBe(404);
  });

  it('issues tokens with the Keycloak claim shape', async () => {
    const token = await sut.issueToken({
      subject: 'u1',
      username: 'bpo-agent-both',
      workspaceId: 'globalbpo',
      tenants: ['northwind', 'contoso'],
      roles: ['agent'],
      expiresInSec: 60,
    });

    const claims = decodeJwt(token);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: sut.jwks().keys[0].kid });
    expect(claims).toMatchObject({
      iss: sut.issuer,
      sub: 'u1',
      aud: 'contact-center-api',
      typ: 'Bearer',
      azp: 'contact-center-cli',
      preferred_username: 'bpo-agent-both',
      organization: ['globalbpo'],
      tenants: ['northwind', 'contoso'],
      realm_access: { roles: ['agent'] },
    });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it('can emit the organization claim as a map keyed by alias', async () => {
    const claims = decodeJwt(await sut.issueToken({ subject: 'u1', workspaceId: 'acme', organizationForm: 'map' }));

    expect(claims['organization']).toEqual({ acme: { id: expect.any(String) } });
  });

  it('leaves organization and tenants out for users without them, as Keycloak does', async () => {
    const claims = decodeJwt(await sut.issueDemoToken('platform-admin'));

    expect(claims).not.toHaveProperty('organization');
    expect(claims).not.toHaveProperty('tenants');
    expect(claims['realm_access']).toEqual({ roles: ['platform-admin'] });
  });

  it('refuses unknown demo users', async () => {
    await expect(sut.issueDemoToken('nobody')).rejects.toThrow('no demo user named nobody');
  });
});

describe(demoUsers.name, () => {
  it('mirrors the realm demo users with stable subjects', () => {
    const users = demoUsers();

    expect(users.map((user) => user.username)).toEqual([
      'acme-admin',
      'acme-supervisor',
      'acme-agent',
      'bpo-agent-north',
      'bpo-agent-contoso',
      'bpo-agent-both',
      'bpo-supervisor',
      'bpo-lead',
      'bpo-admin',
      'platform-admin',
    ]);
    expect(users.find((user) => user.username === 'bpo-agent-north')).toMatchObject({
      workspaceId: 'globalbpo',
      tenants: ['northwind'],
      roles: ['agent'],
    });
    expect(demoUsers()[0].subject).toBe(users[0].subject);
    expect(new Set(users.map((user) => user.subject)).size).toBe(users.length);
    expect(users[0].subject).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
