import type { EntityManager } from 'typeorm';
import type { CustomerIdentity, IdentityKind } from '../domain/customer-identity';
import type { MergeCandidate } from '../domain/customer-merge.policy';
import type { CustomerView } from './history-views';

interface CustomerRow {
  customer_id: string;
  display_name: string | null;
  created_at: Date;
  updated_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else names no customer (and must not reach a uuid cast). */
export const isCustomerId = (id: string) => UUID.test(id);

/** The ids whose rows belong to a live customer: itself and those merged into it. */
export const ALIASES = `SELECT "customer_id" FROM "customers" WHERE "tenant_id" = $1 AND ("customer_id" = $2 OR "merged_into" = $2)`;

/** Customers, their identities and the merge and erasure audit; every query names the tenant. */
export class CustomerRepository {
  /**
   * The live customer an id names, following a merge; undefined when unknown or erased. The
   * hop is a scalar subquery: joined on COALESCE the planner scans every customer instead.
   */
  async liveId(manager: EntityManager, tenantId: string, customerId: string): Promise<string | undefined> {
    if (!isCustomerId(customerId)) return undefined;
    const rows: { id: string }[] = await manager.query(
      `SELECT live."customer_id" AS id FROM "customers" live
        WHERE live."tenant_id" = $1 AND live."erased_at" IS NULL
          AND live."customer_id" = (SELECT COALESCE(c."merged_into", c."customer_id") FROM "customers" c WHERE c."tenant_id" = $1 AND c."customer_id" = $2 AND c."erased_at" IS NULL)`,
      [tenantId, customerId],
    );
    return rows[0]?.id;
  }

  /** A live customer with every identity, its merged ones' included. */
  async view(manager: EntityManager, tenantId: string, liveId: string): Promise<CustomerView | undefined> {
    const [row]: (CustomerRow & { identities: { kind: IdentityKind; value: string }[] })[] = await manager.query(
      `SELECT "customer_id", "display_name", "created_at", "updated_at",
              (SELECT COALESCE(jsonb_agg(jsonb_build_object('kind', i."kind", 'value', i."value") ORDER BY i."kind", i."value"), '[]'::jsonb)
                 FROM "customer_identities" i WHERE i."tenant_id" = $1 AND i."customer_id" IN (${ALIASES})) AS identities
         FROM "customers"
        WHERE "tenant_id" = $1 AND "customer_id" = $2 AND "erased_at" IS NULL AND "merged_into" IS NULL`,
      [tenantId, liveId],
    );
    if (!row) return undefined;
    return { customerId: row.customer_id, displayName: row.display_name, identities: row.identities, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** The live customer owning an identity (merges followed), in one statement; undefined when nobody does. */
  async viewOfIdentity(manager: EntityManager, tenantId: string, identity: CustomerIdentity): Promise<CustomerView | undefined> {
    const [row]: (CustomerRow & { identities: { kind: IdentityKind; value: string }[] })[] = await manager.query(
      `SELECT live."customer_id", live."display_name", live."created_at", live."updated_at",
              (SELECT COALESCE(jsonb_agg(jsonb_build_object('kind', o."kind", 'value', o."value") ORDER BY o."kind", o."value"), '[]'::jsonb)
                 FROM "customer_identities" o
                WHERE o."tenant_id" = $1
                  AND o."customer_id" IN (SELECT "customer_id" FROM "customers" WHERE "tenant_id" = $1 AND ("customer_id" = live."customer_id" OR "merged_into" = live."customer_id"))) AS identities
         FROM "customers" live
        WHERE live."tenant_id" = $1 AND live."erased_at" IS NULL AND live."merged_into" IS NULL
          AND live."customer_id" = (
            SELECT COALESCE(c."merged_into", c."customer_id") FROM "customer_identities" i
              JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"
             WHERE i."tenant_id" = $1 AND i."kind" = $2 AND i."value" = $3 AND c."erased_at" IS NULL)`,
      [tenantId, identity.kind, identity.value],
    );
    if (!row) return undefined;
    return { customerId: row.customer_id, displayName: row.display_name, identities: row.identities, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** The live owner of each identity (merges followed), by `kind:value`. */
  async owners(manager: EntityManager, tenantId: string, identities: readonly CustomerIdentity[]): Promise<Map<string, string>> {
    if (identities.length === 0) return new Map();
    const rows: { kind: string; value: string; owner: string }[] = await manager.query(
      `SELECT i."kind", i."value", COALESCE(c."merged_into", c."customer_id") AS owner
         FROM unnest($2::text[], $3::text[]) AS u(kind, value)
         JOIN "customer_identities" i ON i."tenant_id" = $1 AND i."kind" = u.kind AND i."value" = u.value
         JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"
        WHERE c."erased_at" IS NULL`,
      [tenantId, identities.map((i) => i.kind), identities.map((i) => i.value)],
    );
    return new Map(rows.map((row) => [`${row.kind}:${row.value}`, row.owner]));
  }

  /** New customers without a name, in one statement. */
  async createMany(manager: EntityManager, tenantId: string, customers: readonly { customerId: string; at: Date }[]): Promise<void> {
    if (customers.length === 0) return;
    await manager.query(
      `INSERT INTO "customers" ("tenant_id", "customer_id", "created_at", "updated_at")
       SELECT $1, u.id, u.at, u.at FROM unnest($2::uuid[], $3::timestamptz[]) AS u(id, at)`,
      [tenantId, customers.map((c) => c.customerId), customers.map((c) => c.at.toISOString())],
    );
  }

  async link(manager: EntityManager, tenantId: string, identity: CustomerIdentity, customerId: string, at: Date): Promise<void> {
    await this.linkMany(manager, tenantId, [{ identity, customerId, at }]);
  }

  /** Identities to their customers, in one statement. */
  async linkMany(manager: EntityManager, tenantId: string, links: readonly { identity: CustomerIdentity; customerId: string; at: Date }[]): Promise<void> {
    if (links.length === 0) return;
    await manager.query(
      `INSERT INTO "customer_identities" ("tenant_id", "kind", "value", "customer_id", "linked_at")
       SELECT $1, u.kind, u.value, u.customer_id, u.at FROM unnest($2::text[], $3::text[], $4::uuid[], $5::timestamptz[]) AS u(kind, value, customer_id, at)`,
      [tenantId, links.map((l) => l.identity.kind), links.map((l) => l.identity.value), links.map((l) => l.customerId), links.map((l) => l.at.toISOString())],
    );
  }

  async rename(manager: EntityManager, tenantId: string, customerId: string, displayName: string | null, at: Date): Promise<void> {
    await manager.query(`UPDATE "customers" SET "display_name" = $3, "updated_at" = $4 WHERE "tenant_id" = $1 AND "customer_id" = $2`, [tenantId, customerId, displayName, at]);
  }

  /** Locks both rows (in id order, so two opposite merges cannot deadlock) and reads them. */
  async lockForMerge(manager: EntityManager, tenantId: string, ids: readonly string[]): Promise<Map<string, MergeCandidate>> {
    const valid = ids.filter(isCustomerId);
    const rows: { customer_id: string; display_name: string | null; merged_into: string | null; erased_at: Date | null }[] = await manager.query(
      `SELECT "customer_id", "display_name", "merged_into", "erased_at" FROM "customers"
        WHERE "tenant_id" = $1 AND "customer_id" = ANY($2::uuid[]) ORDER BY "customer_id" FOR UPDATE`,
      [tenantId, valid],
    );
    return new Map(rows.map((r) => [r.customer_id, { customerId: r.customer_id, displayName: r.display_name, mergedInto: r.merged_into, erased: r.erased_at !== null }]));
  }

  /** Customers by a fragment of their name, in id order after `afterId`. */
  async findByName(manager: EntityManager, tenantId: string, fragment: string, afterId: string | undefined, limit: number): Promise<string[]> {
    const rows: { customer_id: string }[] = await manager.query(
      `SELECT "customer_id" FROM "customers"
        WHERE "tenant_id" = $1 AND "erased_at" IS NULL AND "merged_into" IS NULL
          AND "display_name" ILIKE '%' || $2 || '%' ESCAPE '\\' AND ($3::uuid IS NULL OR "customer_id" > $3::uuid)
        ORDER BY "customer_id" LIMIT $4`,
      [tenantId, escapeLike(fragment), afterId ?? null, limit],
    );
    return rows.map((row) => row.customer_id);
  }
}

/** LIKE treats % _ and \ as special; a search fragment means them literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
