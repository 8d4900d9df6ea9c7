import { escapeLiteral } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { TenantScope } from '@contactcenter/tenancy';

/**
 * `withTenantTransaction` with one round trip less: BEGIN and the row-level-security settings
 * go as one simple-protocol query. On the webhook hot path every round trip waits for a turn of
 * a busy event loop, so the group commit's transaction is BEGIN+settings, its statements, COMMIT.
 * The settings are transaction-local as there, so a pooled connection never carries them on.
 */
export async function withBatchTransaction<T>(dataSource: DataSource, scope: TenantScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(
      `BEGIN; SELECT set_config('app.workspace_id', ${escapeLiteral(scope.workspaceId)}, true), set_config('app.tenant_id', ${escapeLiteral(scope.tenantId ?? '')}, true)`,
    );
    let result: T;
    try {
      result = await work(runner.manager);
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await runner.query('COMMIT');
    return result;
  } finally {
    await runner.release();
  }
}
