import type { EntityManager } from 'typeorm';
import type { StoredContribution } from '../domain/facts/stored-contributions';

/** What each customer's contacts last added to the FCR counters, so a change retracts exactly that. */
export class CustomerFcrRepository {
  async load(manager: EntityManager, tenantId: string, customerIds: readonly string[]): Promise<Map<string, StoredContribution[]>> {
    if (customerIds.length === 0) return new Map();
    const rows: { customer_id: string; contributions: StoredContribution[] }[] = await manager.query(
      `SELECT "customer_id", "contributions" FROM "customer_fcr_contributions" WHERE "tenant_id" = $1 AND "customer_id" = ANY($2::text[])`,
      [tenantId, customerIds],
    );
    return new Map(rows.map((row) => [row.customer_id, row.contributions]));
  }

  async save(manager: EntityManager, tenantId: string, byCustomer: ReadonlyMap<string, readonly StoredContribution[]>): Promise<void> {
    if (byCustomer.size === 0) return;
    await manager.query(
      `INSERT INTO "customer_fcr_contributions" ("tenant_id", "customer_id", "contributions")
       SELECT $1, u.id, u.contributions FROM unnest($2::text[], $3::jsonb[]) AS u(id, contributions)
       ON CONFLICT ("tenant_id", "customer_id") DO UPDATE SET "contributions" = excluded."contributions"`,
      [tenantId, [...byCustomer.keys()], [...byCustomer.values()].map((c) => JSON.stringify(c))],
    );
  }
}
