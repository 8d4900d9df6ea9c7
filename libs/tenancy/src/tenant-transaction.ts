import { escapeLiteral } from 'pg';
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

/**
 * withTenantTransaction for hot paths, one round trip shorter: BEGIN and the scope go in one
 * simple-protocol query of two statements, then the work, then COMMIT (ROLLBACK on any
 * failure). Every round trip is a loopback write and a wake-up of both processes; routing
 * commits for every contact and channel ingestion for every webhook batch.
 */
export async function withScopedTransaction<T>(dataSource: DataSource, scope: TenantScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query(
      `BEGIN; SELECT set_config('app.workspace_id', ${escapeLiteral(scope.workspaceId)}, true), set_config('app.tenant_id', ${escapeLiteral(scope.tenantId ?? '')}, true)`,
    );
    const result = await work(runner.manager);
    await runner.query('COMMIT');
    return result;
  } catch (error) {
    // Never hand a connection back to the pool inside a transaction.
    await runner.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await runner.release();
  }
}
