import type { QueryRunner } from 'typeorm';

export type RlsColumn = 'tenant_id' | 'workspace_id';

const setting: Record<RlsColumn, string> = {
  tenant_id: 'app.tenant_id',
  workspace_id: 'app.workspace_id',
};

const policyName = (table: string) => `${table}_isolation`;

/**
 * Seals a table by tenant (or workspace): RLS enabled and forced (so even the table owner is
 * filtered), one policy for reads and writes. With no setting in the transaction,
 * `current_setting(..., true)` is NULL and the policy matches no row.
 */
export async function enableRowLevelSecurity(
  runner: QueryRunner,
  table: string,
  column: RlsColumn = 'tenant_id',
): Promise<void> {
  const expr = `${column} = NULLIF(current_setting('${setting[column]}', true), '')`;
  await runner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`);
  await runner.query(`CREATE POLICY "${policyName(table)}" ON "${table}" USING (${expr}) WITH CHECK (${expr})`);
}

/** Reverses enableRowLevelSecurity (for a migration's `down`). */
export async function disableRowLevelSecurity(runner: QueryRunner, table: string): Promise<void> {
  await runner.query(`DROP POLICY IF EXISTS "${policyName(table)}" ON "${table}"`);
  await runner.query(`ALTER TABLE "${table}" NO FORCE ROW LEVEL SECURITY`);
  await runner.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
}
