import { decodeJwt, JWTPayload } from 'jose';
import { AuthError } from './auth-error';
import { mapClaimsToPrincipal, organizationAliases } from './claims-mapper';
import { DevIdentityProvider, TokenSpec } from './dev-identity-provider';

describe(mapClaimsToPrincipal.name, () => {
  let idp: DevIdentityProvider;
  const claimsOf = async (spec: TokenSpec): Promise<JWTPayload> => decodeJwt(await idp.issueToken(spec));
  const sut = mapClaimsToPrincipal;

  beforeAll(async () => {
    idp = await DevIdentityProvider.start();
  });
  afterAll(() => idp.close());

  const failure = (fn: () => unknown): AuthError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof AuthError) return error;
      throw error;
    }
    throw new Error('expected an AuthError');
  };

  it('maps a Keycloak-shaped agent token', async () => {
    const payload = await claimsOf({
      subject: 'f3c1',
      username: 'bpo-agent-north',
      workspaceId: 'globalbpo',
      tenants: ['northwind'],
      roles: ['agent', 'default-roles-contact-center', 'offline_access'],
    });

    expect(sut(payload)).toEqual({
      subject: 'f3c1',
      username: 'bpo-agent-north',
      workspaceId: 'globalbpo',
      grantedTenantIds: ['northwind'],
      roles: ['agent'],
      allTenants: false,
    });
  });

  it.each(['aliases', 'map'] as const)('reads the organization claim in its %s form', async (organizationForm) => {
    const payload = await claimsOf({ subject: 's', workspaceId: 'globalbpo', organizationForm, roles: ['agent'] });

    expect(sut(payload).workspaceId).toBe('globalbpo');
  });

  describe('with several organizations', () => {
    const spec: TokenSpec = { subject: 's', workspaceId: ['acme', 'globalbpo'], roles: ['supervisor'] };

    it('requires x-workspace-id to pick one', async () => {
      const payload = await claimsOf(spec);

      const missing = failure(() => sut(payload));

      expect(missing.code).toBe('INVALID_ARGUMENT');
      expect(missing.reason).toBe('workspace-header-required');
      expect(missing.message).toContain('acme, globalbpo');
    });

    it.each(['aliases', 'map'] as const)('uses the named one (%s form)', async (organizationForm) => {
      const payload = await claimsOf({ ...spec, organizationForm });

      expect(sut(payload, 'globalbpo').workspaceId).toBe('globalbpo');
      expect(sut(payload, 'acme').workspaceId).toBe('acme');
    });

    it('denies a workspace the caller is not a member of', async () => {
      const payload = await claimsOf(spec);

      const error = failure(() => sut(payload, 'other-bpo'));

      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.reason).toBe('workspace-not-granted');
    });
  });

  it('denies a named workspace outside a single-organization token', async () => {
    const payload = await claimsOf({ subject: 's', workspaceId: 'globalbpo', roles: ['agent'] });

    expect(failure(() => sut(payload, 'acme')).reason).toBe('workspace-not-granted');
    expect(sut(payload, 'globalbpo').workspaceId).toBe('globalbpo');
  });

  it('denies a regular user without any organization', async () => {
    const payload = await claimsOf({ subject: 's', roles: ['agent'], tenants: ['acme'] });

    const error = failure(() => sut(payload));

    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.reason).toBe('no-workspace');
  });

  it.each(['platform-admin', 'service'] as const)('lets %s act in any workspace it names', async (role) => {
    const payload = await claimsOf({ subject: 's', roles: [role] });

    const principal = sut(payload, 'globalbpo');

    expect(principal.allTenants).toBe(true);
    expect(principal.workspaceId).toBe('globalbpo');
    expect(principal.grantedTenantIds).toEqual([]);
  });

  it.each(['platform-admin', 'service'] as const)('asks %s without organization to name the workspace', async (role) => {
    const payload = await claimsOf({ subject: 's', roles: [role] });

    const error = failure(() => sut(payload));

    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.reason).toBe('workspace-header-required');
  });

  it('does not give tenant-admin access to every tenant', async () => {
    const payload = await claimsOf({ subject: 's', workspaceId: 'acme', roles: ['tenant-admin'], tenants: ['acme'] });

    expect(sut(payload).allTenants).toBe(false);
  });

  it('accepts a single-valued tenants claim', () => {
    const principal = sut({ sub: 's', organization: ['acme'], tenants: 'acme', realm_access: { roles: ['agent'] } });

    expect(principal.grantedTenantIds).toEqual(['acme']);
  });

  it('treats missing tenants and roles as none', () => {
    const principal = sut({ sub: 's', organization: ['acme'] });

    expect(principal.grantedTenantIds).toEqual([]);
    expect(principal.roles).toEqual([]);
    expect(principal.username).toBeUndefined();
  });

  it.each([
    ['no subject', { organization: ['acme'] }],
    ['a non-access token', { sub: 's', typ: 'ID', organization: ['acme'] }],
    ['malformed tenants', { sub: 's', organization: ['acme'], tenants: { acme: true } }],
  ])('rejects a token with %s', (_case, payload) => {
    const error = failure(() => sut(payload as JWTPayload));

    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.reason).toBe('invalid-claims');
  });
});

describe(organizationAliases.name, () => {
  const sut = organizationAliases;

  it.each<[string, unknown, string[]]>([
    ['a list of aliases', ['acme', 'globalbpo'], ['acme', 'globalbpo']],
    ['a map keyed by alias', { globalbpo: { id: '5e8e' } }, ['globalbpo']],
    ['a bare alias', 'acme', ['acme']],
    ['no claim', undefined, []],
  ])('reads %s', (_case, claim, aliases) => {
    expect(sut(claim)).toEqual(aliases);
  });

  it('rejects a claim of another shape', () => {
    expect(() => sut([1, 2])).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'invalid-claims' }));
  });
});
