import type { DataSource } from 'typeorm';
import type { TenantScope } from '@contactcenter/tenancy';

/**
 * Runs one read sealed to the tenant in a single round trip, instead of BEGIN, set_config, the
 * query and COMMIT (four). The row `s` sets the tenant settings transaction-locally (in the
 * statement's own implicit transaction, so they end with it and never leak into the pool) and
 * hands the tenant on as `s.tenant_id`; `query` names the tenant only through it and runs as a
 * LATERAL subquery kept whole (OFFSET 0: the planner may not flatten it into a join it could
 * order either way), so it is evaluated per row of `s`, after the settings. Should it ever run
 * before them, row-level security sees no tenant and the read finds nothing: it fails closed. `query`'s
 * parameters are `params`; the scope's follow them.
 */
export async function readInTenant<T>(runner: Pick<DataSource, 'query'>, scope: TenantScope, query: string, params: readonly unknown[]): Promise<T[]> {
  if (!query.includes('s.tenant_id')) throw new Error('a tenant read names its tenant as s.tenant_id');
  const workspace = params.length + 1;
  const tenant = params.length + 2;
  return runner.query(
    `SELECT q.* FROM (SELECT set_config('app.workspace_id', $${workspace}::text, true) AS workspace_id, set_config('app.tenant_id', $${tenant}::text, true) AS tenant_id OFFSET 0) s
      CROSS JOIN LATERAL (SELECT * FROM (${query}) r OFFSET 0) q`,
    [...params, scope.workspaceId, scope.tenantId ?? ''],
  );
}
