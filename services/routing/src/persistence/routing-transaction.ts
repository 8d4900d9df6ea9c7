import { escapeLiteral } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/** The scope row-level security checks: the workspace, and the tenant when one is known. */
export interface RoutingScope {
  readonly workspaceId: string;
  readonly tenantId?: string;
}

/**
 * withTenantTransaction for routing's commits, one round trip shorter: BEGIN and the scope go
 * in one simple-protocol query of two statements, then the work, then COMMIT (ROLLBACK on any
 * failure). Every round trip is a loopback write and a wake-up of both processes; a consumed
 * batch's commit takes four instead of five, and routing commits for every contact.
 */
export async function routingTransaction<T>(dataSource: DataSource, scope: RoutingScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
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
