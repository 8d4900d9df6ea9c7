import type { Principal } from '@contactcenter/auth';
import { MissingTenantContextError, TenantContext } from '@contactcenter/tenancy';
import { DiagnosticsController } from './diagnostics.controller';

describe(DiagnosticsController.name, () => {
  const sut = new DiagnosticsController();
  const principal: Principal = {
    subject: '7d1c',
    username: 'bpo-agent-both',
    workspaceId: 'globalbpo',
    grantedTenantIds: ['northwind', 'contoso'],
    roles: ['agent'],
    allTenants: false,
  };

  it('describes the caller for the tenant of the current context', () => {
    const response = TenantContext.run({ workspaceId: 'globalbpo', tenantId: 'contoso' }, () => sut.whoAmI({}, principal));

    expect(response).toEqual({
      subject: '7d1c',
      username: 'bpo-agent-both',
      workspaceId: 'globalbpo',
      tenantId: 'contoso',
      roles: ['agent'],
      grantedTenantIds: ['northwind', 'contoso'],
    });
  });

  it('reports an empty username for callers without one', () => {
    const response = TenantContext.run({ workspaceId: 'acme', tenantId: 'acme' }, () =>
      sut.whoAmI({}, { ...principal, username: undefined }),
    );

    expect(response.username).toBe('');
  });

  it('refuses to answer outside a tenant context', () => {
    expect(() => sut.whoAmI({}, principal)).toThrow(MissingTenantContextError);
  });
});
