import type { EntityManager } from 'typeorm';
import type { InteractionRecord } from '../domain/facts/interaction-record';
import type { StoredContribution } from '../domain/facts/stored-contributions';
import type { PiggybackStatement } from './interval-aggregate.repository';

/** An interaction's merged facts and what it last added to the aggregates. */
export interface StoredInteraction {
  readonly record: InteractionRecord;
  readonly contributions: readonly StoredContribution[];
}

export interface InteractionToSave extends StoredInteraction {
  /** First queue entry (or first known time); the detail export's range is on it. */
  readonly enteredAt: number | undefined;
}

/** The merged fact record of each interaction, whose contributions a batch replaces. */
export class InteractionFactsRepository {
  /** Existing records of these interactions; call lockFactSubjects first. */
  async load(manager: EntityManager, tenantId: string, interactionIds: readonly string[]): Promise<Map<string, StoredInteraction>> {
    if (interactionIds.length === 0) return new Map();
    const rows: { interaction_id: string; record: InteractionRecord; contributions: StoredContribution[] }[] = await manager.query(
      `SELECT "interaction_id", "record", "contributions" FROM "interaction_facts"
        WHERE "tenant_id" = $1 AND "interaction_id" = ANY($2::text[])`,
      [tenantId, interactionIds],
    );
    return new Map(rows.map((row) => [row.interaction_id, { record: row.record, contributions: row.contributions }]));
  }

  /** Every record linked to these customers (for first contact resolution). */
  async loadByCustomers(manager: EntityManager, tenantId: string, customerIds: readonly string[]): Promise<InteractionRecord[]> {
    if (customerIds.length === 0) return [];
    const rows: { record: InteractionRecord }[] = await manager.query(
      `SELECT "record" FROM "interaction_facts" WHERE "tenant_id" = $1 AND "customer_id" = ANY($2::text[])`,
      [tenantId, customerIds],
    );
    return rows.map((row) => row.record);
  }

  /**
   * Records of interactions that entered a queue since `enteredSinceMs` and changed since
   * `changedSinceMs` (real-time views: the entry index narrows, the change time filters).
   */
  async loadRecent(manager: EntityManager, tenantId: string, enteredSinceMs: number, changedSinceMs: number): Promise<InteractionRecord[]> {
    const rows: { record: InteractionRecord }[] = await manager.query(
      `SELECT "record" FROM "interaction_facts"
        WHERE "tenant_id" = $1 AND "entered_at" >= to_timestamp($2 / 1000.0) AND "updated_at" >= to_timestamp($3 / 1000.0)`,
      [tenantId, enteredSinceMs, changedSinceMs],
    );
    return rows.map((row) => row.record);
  }

  /** One page of records entered in [fromMs, toMs) after the cursor, in entry order (keyset paging). */
  async pageByEntry(
    manager: EntityManager,
    tenantId: string,
    fromMs: number,
    toMs: number,
    after: { enteredAtMs: number; interactionId: string } | undefined,
    limit: number,
  ): Promise<{ record: InteractionRecord; enteredAtMs: number }[]> {
    const rows: { record: InteractionRecord; entered_ms: string }[] = await manager.query(
      `SELECT "record", (extract(epoch FROM "entered_at") * 1000)::bigint AS entered_ms FROM "interaction_facts"
        WHERE "tenant_id" = $1 AND "entered_at" >= to_timestamp($2 / 1000.0) AND "entered_at" < to_timestamp($3 / 1000.0)
          AND ($4::bigint IS NULL OR ("entered_at", "interaction_id") > (to_timestamp($4 / 1000.0), $5))
        ORDER BY "entered_at", "interaction_id"
        LIMIT $6`,
      [tenantId, fromMs, toMs, after?.enteredAtMs ?? null, after?.interactionId ?? '', limit],
    );
    return rows.map((row) => ({ record: row.record, enteredAtMs: Number(row.entered_ms) }));
  }

  /**
   * The upsert of these records, piggybacked on the aggregate upsert of the same batch. The rows
   * travel as one JSON document: JSON.stringify once, instead of escaping every record into a
   * Postgres array literal.
   */
  saveStatement(interactions: readonly InteractionToSave[]): PiggybackStatement {
    return {
      sql: (p) => `
        INSERT INTO "interaction_facts" ("tenant_id", "interaction_id", "record", "contributions", "customer_id", "entered_at")
        SELECT $1, u.id, u.record, u.contributions, u.customer_id, to_timestamp(u.entered_ms / 1000.0)
          FROM jsonb_to_recordset($${p}::jsonb) AS u(id text, record jsonb, contributions jsonb, customer_id text, entered_ms bigint)
        ON CONFLICT ("tenant_id", "interaction_id") DO UPDATE SET
          "record" = excluded."record", "contributions" = excluded."contributions", "customer_id" = excluded."customer_id",
          "entered_at" = excluded."entered_at", "updated_at" = clock_timestamp()`,
      params: [
        JSON.stringify(
          interactions.map((i) => ({ id: i.record.interactionId, record: i.record, contributions: i.contributions, customer_id: i.record.customerId ?? null, entered_ms: i.enteredAt ?? null })),
        ),
      ],
    };
  }
}
