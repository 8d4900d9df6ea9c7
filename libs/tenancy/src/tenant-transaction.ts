import type { DataSource, EntityManager } from 'typeorm';
import { TenantContext, TenantScope } from './tenant-context';

/**
 * Runs `work` in one transaction whose row-level-security settings are the given scope
 * (default: the current TenantContext). `set_config(..., true)` is transaction-local, so a
 * pooled connection never carries one tenant's settings into another's transaction.
 */
export async function withTenantTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  scope: TenantScope = TenantContext.require('a tenant transaction'),
): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await manager.query(
      `SELECT set_config('app.workspace_id', $1, true), set_config('app.tenant_id', $2, true)`,
      [scope.workspaceId, scope.tenantId ?? ''],
    );
    return work(manager);
  });
}
