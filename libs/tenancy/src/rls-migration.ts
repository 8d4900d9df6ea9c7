import type { QueryRunner } from 'typeorm';

export type RlsColumn = 'tenant_id' | 'workspace_id';

const setting: Record<RlsColumn, string> = {
  tenant_id: 'app.tenant_id',
  workspace_id: 'app.workspace_id',
};

const policyName = (table: string) => `${table}_isolation`;

/** The column's SQL type, so the setting (always text) is cast to it: `uuid = text` has no operator. */
async function columnType(runner: QueryRunner, table: string, column: RlsColumn): Promise<string> {
  const rows: { type: string }[] = await runner.query(
    `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attname = $2 AND NOT attisdropped`,
    [`"${table}"`, column],
  );
  if (rows.length === 0) throw new Error(`cannot seal "${table}": it has no column ${column}`);
  return rows[0].type;
}

/**
 * Seals a table by tenant (or workspace): RLS enabled and forced (so even the table owner is
 * filtered), one policy for reads and writes. With no setting in the transaction,
 * `current_setting(..., true)` is NULL (or '' once set earlier in the session) and the policy
 * matches no row. The setting is cast to the column's type, not the column to text, so an
 * index on the column still serves the policy.
 */
export async function enableRowLevelSecurity(
  runner: QueryRunner,
  table: string,
  column: RlsColumn = 'tenant_id',
): Promise<void> {
  const type = await columnType(runner, table, column);
  const expr = `${column} = NULLIF(current_setting('${setting[column]}', true), '')::${type}`;
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
