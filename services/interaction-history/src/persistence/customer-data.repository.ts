import type { EntityManager } from 'typeorm';
import { ALIASES } from './customer.repository';

export interface MergeAudit {
  readonly mergeId: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly displayName: string | null;
  readonly mergedBy: string;
  readonly reason: string;
  readonly at: Date;
}

const count = (result: unknown) => (Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0);

// Messages belong to a customer directly (inbound, resolved by sender) or through their interaction.
const MESSAGES_OF = `
  "tenant_id" = $1 AND ("customer_id" IN (${ALIASES})
    OR "interaction_id" IN (SELECT "interaction_id" FROM "interactions" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES})))`;

/** Operations over everything a customer owns, across tables: merge, erase, export. */
export class CustomerDataRepository {
  /** Moves every row of the source to the target and audits how many moved; nothing is deleted. */
  async merge(manager: EntityManager, tenantId: string, audit: MergeAudit): Promise<Record<string, number>> {
    const params = [tenantId, audit.sourceId, audit.targetId];
    const move = async (sql: string) => count(await manager.query(sql, params));
    const moved = {
      identities: await move(`UPDATE "customer_identities" SET "customer_id" = $3 WHERE "tenant_id" = $1 AND "customer_id" = $2`),
      interactions: await move(
        `UPDATE "interactions" SET "customer_id" = $3::uuid, "record" = jsonb_set("record", '{customer,value}', to_jsonb($3::uuid::text)), "updated_at" = now()
          WHERE "tenant_id" = $1 AND "customer_id" = $2`,
      ),
      messages: await move(`UPDATE "messages" SET "customer_id" = $3 WHERE "tenant_id" = $1 AND "customer_id" = $2`),
      notes: await move(`UPDATE "notes" SET "customer_id" = $3 WHERE "tenant_id" = $1 AND "customer_id" = $2`),
      cases: await move(`UPDATE "cases" SET "customer_id" = $3 WHERE "tenant_id" = $1 AND "customer_id" = $2`),
      // Customers merged into the source earlier now point at the target directly: one hop at most.
      mergedCustomers: await move(`UPDATE "customers" SET "merged_into" = $3 WHERE "tenant_id" = $1 AND "merged_into" = $2`),
    };
    await manager.query(`UPDATE "customers" SET "merged_into" = $3, "updated_at" = $4 WHERE "tenant_id" = $1 AND "customer_id" = $2`, [...params, audit.at]);
    await manager.query(`UPDATE "customers" SET "display_name" = $3, "updated_at" = $4 WHERE "tenant_id" = $1 AND "customer_id" = $2`, [tenantId, audit.targetId, audit.displayName, audit.at]);
    await manager.query(
      `INSERT INTO "customer_merges" ("tenant_id", "merge_id", "source_customer_id", "target_customer_id", "merged_by", "reason", "moved", "merged_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, audit.mergeId, audit.sourceId, audit.targetId, audit.mergedBy, audit.reason, JSON.stringify(moved), audit.at],
    );
    return moved;
  }

  /**
   * Deletes the personal data of a live customer and those merged into it: identities, messages,
   * notes, cases, wrap-up notes and the name. Interactions stay as anonymous facts (times,
   * queues, agents, dispositions); the customer row stays as a tombstone so its id answers
   * NOT_FOUND and late events find it.
   */
  async erase(manager: EntityManager, tenantId: string, liveId: string, erasedBy: string, reason: string, at: Date): Promise<void> {
    const params = [tenantId, liveId];
    await manager.query(`DELETE FROM "messages" WHERE ${MESSAGES_OF}`, params);
    await manager.query(`DELETE FROM "notes" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES})`, params);
    await manager.query(`UPDATE "interactions" SET "case_id" = NULL WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) AND "case_id" IS NOT NULL`, params);
    await manager.query(`DELETE FROM "cases" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES})`, params);
    await manager.query(`DELETE FROM "customer_identities" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES})`, params);
    // Wrap-up notes are what agents wrote about the customer and a subject what the customer
    // wrote; the disposition codes stay (withoutPersonalData, in SQL).
    await manager.query(
      `UPDATE "interactions" SET "record" = jsonb_set("record", '{wrapUps}',
              (SELECT COALESCE(jsonb_agg(w || '{"notes": ""}'::jsonb ORDER BY n), '[]'::jsonb) FROM jsonb_array_elements("record"->'wrapUps') WITH ORDINALITY AS x(w, n))) - 'subject',
              "updated_at" = now()
        WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) AND jsonb_typeof("record"->'wrapUps') = 'array'`,
      params,
    );
    await manager.query(
      `UPDATE "customers" SET "display_name" = NULL, "erased_at" = $3, "updated_at" = $3 WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES})`,
      [...params, at],
    );
    await manager.query(
      `INSERT INTO "customer_erasures" ("tenant_id", "customer_id", "erased_by", "reason", "erased_at") VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, liveId, erasedBy, reason, at],
    );
  }

  /** Every row about a live customer and those merged into it, as stored. */
  async export(manager: EntityManager, tenantId: string, liveId: string): Promise<Record<string, unknown[]>> {
    const params = [tenantId, liveId];
    const rows = (sql: string) => manager.query(sql, params) as Promise<unknown[]>;
    return {
      customers: await rows(`SELECT "customer_id", "display_name", "merged_into", "created_at", "updated_at" FROM "customers" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) ORDER BY "created_at"`),
      identities: await rows(`SELECT "kind", "value", "customer_id", "linked_at" FROM "customer_identities" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) ORDER BY "kind", "value"`),
      interactions: await rows(`SELECT "interaction_id", "customer_id", "channel", "started_at", "case_id", "record" FROM "interactions" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) ORDER BY "started_at", "interaction_id"`),
      messages: await rows(`SELECT "message_id", "interaction_id", "channel", "direction", "agent_id", "body", "attachments", "sent_at" FROM "messages" WHERE ${MESSAGES_OF} ORDER BY "sent_at", "message_id"`),
      notes: await rows(`SELECT "note_id", "interaction_id", "author_id", "body", "created_at" FROM "notes" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) ORDER BY "created_at"`),
      cases: await rows(`SELECT "case_id", "subject", "status", "owner_id", "created_at", "updated_at" FROM "cases" WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) ORDER BY "created_at"`),
      merges: await rows(
        `SELECT "merge_id", "source_customer_id", "target_customer_id", "merged_by", "reason", "moved", "merged_at" FROM "customer_merges"
          WHERE "tenant_id" = $1 AND ("source_customer_id" IN (${ALIASES}) OR "target_customer_id" IN (${ALIASES})) ORDER BY "merged_at"`,
      ),
    };
  }
}
