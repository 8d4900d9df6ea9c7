import { AuthError, AuthFailureReason } from './auth-error';
import { DevIdentityProvider } from './dev-identity-provider';
import { JwtVerifier } from './jwt-verifier';
import { AuthRequest, AuthRequirement, bearerToken, RequestAuthorizer } from './request-authorizer';

describe(RequestAuthorizer.name, () => {
  let idp: DevIdentityProvider;
  let sut: RequestAuthorizer;
  const bearer = async (username: string) => `Bearer ${await idp.issueDemoToken(username)}`;

  beforeAll(async () => {
    idp = await DevIdentityProvider.start();
    sut = new RequestAuthorizer(new JwtVerifier({ issuer: idp.issuer, audience: 'contact-center-api', jwks: idp.jwks() }));
  });
  afterAll(() => idp.close());

  async function denial(request: AuthRequest, requirement?: AuthRequirement): Promise<AuthError> {
    try {
      await sut.authorize(request, requirement);
    } catch (error) {
      if (error instanceof AuthError) return error;
      throw error;
    }
    throw new Error('expected the request to be denied');
  }

  it('authorizes a granted tenant and returns the principal and scope', async () => {
    const auth = await sut.authorize({ authorization: await bearer('bpo-agent-north'), tenantId: 'northwind' });

    expect(auth.scope).toEqual({ workspaceId: 'globalbpo', tenantId: 'northwind' });
    expect(auth.principal).toMatchObject({ username: 'bpo-agent-north', roles: ['agent'], grantedTenantIds: ['northwind'] });
  });

  describe('tenant grants', () => {
    it.each<[string, string, 'granted' | AuthFailureReason]>([
      ['bpo-agent-north', 'northwind', 'granted'],
      ['bpo-agent-north', 'contoso', 'tenant-not-granted'],
      ['bpo-agent-north', 'acme', 'tenant-not-granted'],
      ['bpo-agent-both', 'contoso', 'granted'],
      ['bpo-agent-both', 'northwind', 'granted'],
      ['bpo-supervisor', 'acme', 'tenant-not-granted'],
      ['acme-admin', 'acme', 'granted'],
      ['acme-admin', 'northwind', 'tenant-not-granted'],
    ])('%s acting for %s: %s', async (username, tenantId, expected) => {
      const request = { authorization: await bearer(username), tenantId };

      if (expected === 'granted') {
        await expect(sut.authorize(request)).resolves.toMatchObject({ scope: { tenantId } });
      } else {
        const error = await denial(request);
        expect(error.code).toBe('PERMISSION_DENIED');
        expect(error.reason).toBe(expected);
        expect(error.message).toContain(`${username} is not granted tenant ${tenantId}`);
      }
    });

    it('lets platform-admin act for any tenant in the workspace it names', async () => {
      const auth = await sut.authorize({ authorization: await bearer('platform-admin'), tenantId: 'contoso', workspaceId: 'globalbpo' });

      expect(auth.scope).toEqual({ workspaceId: 'globalbpo', tenantId: 'contoso' });
      expect(auth.principal.allTenants).toBe(true);
    });

    it('lets a service act for any tenant', async () => {
      const token = await idp.issueToken({ subject: 'svc', username: 'service-account-cc-service', roles: ['service'], clientId: 'cc-service' });

      const auth = await sut.authorize({ authorization: `Bearer ${token}`, tenantId: 'acme', workspaceId: 'acme' });

      expect(auth.scope).toEqual({ workspaceId: 'acme', tenantId: 'acme' });
    });

    it('requires x-tenant-id', async () => {
      const error = await denial({ authorization: await bearer('bpo-agent-north') });

      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.reason).toBe('tenant-header-missing');
      expect(error.message).toContain('x-tenant-id');
    });

    it('gives workspace-scoped handlers a scope without tenant', async () => {
      const auth = await sut.authorize({ authorization: await bearer('bpo-lead') }, { tenantOptional: true });

      expect(auth.scope).toEqual({ workspaceId: 'globalbpo' });
    });

    it('still checks a tenant named to a workspace-scoped handler', async () => {
      const error = await denial({ authorization: await bearer('bpo-agent-north'), tenantId: 'acme' }, { tenantOptional: true });

      expect(error.reason).toBe('tenant-not-granted');
    });
  });

  describe('roles', () => {
    it('passes a caller holding one of the required roles', async () => {
      const requirement: AuthRequirement = { roles: ['supervisor', 'team-lead'] };

      await expect(sut.authorize({ authorization: await bearer('bpo-lead'), tenantId: 'contoso' }, requirement)).resolves.toBeDefined();
    });

    it('denies a caller holding none of them', async () => {
      const error = await denial({ authorization: await bearer('bpo-agent-both'), tenantId: 'contoso' }, { roles: ['supervisor'] });

      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.reason).toBe('role-missing');
      expect(error.message).toContain('needs one of the roles supervisor and has agent');
    });

    it('denies a caller with no platform role at all', async () => {
      const token = await idp.issueToken({ subject: 'x', workspaceId: 'acme', tenants: ['acme'], roles: ['offline_access'] });

      const error = await denial({ authorization: `Bearer ${token}`, tenantId: 'acme' }, { roles: ['agent'] });

      expect(error.message).toContain('has none');
    });

    it('checks roles before the tenant header', async () => {
      const error = await denial({ authorization: await bearer('acme-agent') }, { roles: ['tenant-admin'] });

      expect(error.reason).toBe('role-missing');
    });
  });

  it('authenticates before anything else', async () => {
    const error = await denial({ tenantId: 'acme' }, { roles: ['agent'] });

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.reason).toBe('token-missing');
  });

  it('names the workspace for a user of several organizations', async () => {
    const token = await idp.issueToken({ subject: 'm', workspaceId: ['acme', 'globalbpo'], tenants: ['acme', 'northwind'], roles: ['supervisor'] });

    const auth = await sut.authorize({ authorization: `Bearer ${token}`, tenantId: 'northwind', workspaceId: 'globalbpo' });

    expect(auth.scope).toEqual({ workspaceId: 'globalbpo', tenantId: 'northwind' });
  });
});

describe(bearerToken.name, () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc.def.ghi ', 'abc.def.ghi'],
  ])('reads %p as %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each(['Basic dXNlcjpwdw==', 'Bearer', 'Bearer a b'])('rejects %p', (header) => {
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ reason: 'token-malformed' }));
  });
});
