import type { Principal } from '@contactcenter/auth';
import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { MissingTenantContextError, TenantContext } from '@contactcenter/tenancy';
import type { DataSource } from 'typeorm';
import { DiagnosticsController, MAX_PING_MESSAGE_LENGTH } from './diagnostics.controller';

describe(DiagnosticsController.name, () => {
  const sut = new DiagnosticsController({});
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

  it('answers UNIMPLEMENTED for Ping when the host has no outbox', async () => {
    const error = await sut.ping({ message: 'hi' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RpcException);
    expect((error as RpcException).getError()).toMatchObject({ code: status.UNIMPLEMENTED });
  });

  it('refuses an over-long Ping message before touching the database', async () => {
    const transaction = jest.fn();
    const withOutbox = new DiagnosticsController({ dataSource: { transaction } as unknown as DataSource });

    const error = await withOutbox.ping({ message: 'x'.repeat(MAX_PING_MESSAGE_LENGTH + 1) }).catch((e: unknown) => e);

    expect((error as RpcException).getError()).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(transaction).not.toHaveBeenCalled();
  });
});
