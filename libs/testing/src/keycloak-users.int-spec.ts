import { decodeJwt } from 'jose';
import { newUser } from './keycloak-users';
import { newTenantId, newWorkspaceId } from './builders';

describe('newUser (real Keycloak)', () => {
  it('creates a user whose token carries the requested workspace, tenants and roles', async () => {
    const workspaceId = newWorkspaceId();
    const tenants = [newTenantId(), newTenantId()];

    const sut = await newUser({ workspaceId, tenants, roles: ['supervisor'] });
    const claims = decodeJwt(await sut.token()) as Record<string, unknown>;

    expect(claims.organization).toEqual([workspaceId]);
    expect(claims.tenants).toEqual(tenants);
    expect((claims.realm_access as { roles: string[] }).roles).toEqual(['supervisor']);
    expect(claims.preferred_username).toBe(sut.username);
  });

  it('defaults to an agent of a fresh tenant and reuses an existing organization', async () => {
    const first = await newUser();
    const second = await newUser({ workspaceId: first.workspaceId, tenants: first.tenants });

    const claims = decodeJwt(await second.token()) as Record<string, unknown>;

    expect(claims.organization).toEqual([first.workspaceId]);
    expect(claims.tenants).toEqual(first.tenants);
    expect((claims.realm_access as { roles: string[] }).roles).toEqual(['agent']);
  });
});
