import type { EntityManager } from 'typeorm';
import type { InteractionRecord } from '../domain/facts/interaction-record';

/** The merged fact record of each interaction, whose contributions a batch recomputes. */
export class InteractionFactsRepository {
  /** Existing records of these interactions; call lockFactSubjects first. */
  async load(manager: EntityManager, tenantId: string, interactionIds: readonly string[]): Promise<Map<string, InteractionRecord>> {
    if (interactionIds.length === 0) return new Map();
    const rows: { interaction_id: string; record: InteractionRecord }[] = await manager.query(
      `SELECT "interaction_id", "record" FROM "interaction_facts"
        WHERE "tenant_id" = $1 AND "interaction_id" = ANY($2::text[])`,
      [tenantId, interactionIds],
    );
    return new Map(rows.map((row) => [row.interaction_id, row.record]));
  }

  async save(manager: EntityManager, tenantId: string, records: readonly InteractionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await manager.query(
      `INSERT INTO "interaction_facts" ("tenant_id", "interaction_id", "record")
       SELECT $1, u.id, u.record FROM unnest($2::text[], $3::jsonb[]) AS u(id, record)
       ON CONFLICT ("tenant_id", "interaction_id") DO UPDATE SET "record" = excluded."record", "updated_at" = now()`,
      [tenantId, records.map((r) => r.interactionId), records.map((r) => JSON.stringify(r))],
    );
  }
}
