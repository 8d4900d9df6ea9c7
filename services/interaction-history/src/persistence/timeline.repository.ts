import type { EntityManager } from 'typeorm';
import type { HistoryChannel } from '../domain/interaction-record';
import { ALIASES } from './customer.repository';

/** Where a timeline page ends: entries sort by (time, kind, id), newest first. */
export interface TimelinePosition {
  readonly at: number;
  readonly kind: 'interaction' | 'note';
  readonly id: string;
}

export interface TimelineQuery {
  readonly liveCustomerId: string;
  /** Interactions on these channels only, and then no notes; empty means everything. */
  readonly channels: readonly HistoryChannel[];
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly after?: TimelinePosition;
  readonly limit: number;
}

/** One keyset query over interactions and notes of a customer and those merged into it. */
export class TimelineRepository {
  async page(manager: EntityManager, tenantId: string, query: TimelineQuery): Promise<TimelinePosition[]> {
    const rows: { at: Date; kind: 'interaction' | 'note'; id: string }[] = await manager.query(
      `SELECT e.at, e.kind, e.id FROM (
          SELECT i."started_at" AS at, 'interaction' AS kind, i."interaction_id" AS id FROM "interactions" i
           WHERE i."tenant_id" = $1 AND i."customer_id" IN (${ALIASES}) AND (cardinality($3::text[]) = 0 OR i."channel" = ANY($3::text[]))
          UNION ALL
          SELECT n."created_at", 'note', n."note_id"::text FROM "notes" n
           WHERE n."tenant_id" = $1 AND n."customer_id" IN (${ALIASES}) AND cardinality($3::text[]) = 0
        ) e
        WHERE ($4::timestamptz IS NULL OR e.at >= $4) AND ($5::timestamptz IS NULL OR e.at < $5)
          AND ($6::timestamptz IS NULL OR (e.at, e.kind, e.id) < ($6::timestamptz, $7::text, $8::text))
        ORDER BY e.at DESC, e.kind DESC, e.id DESC LIMIT $9`,
      [
        tenantId,
        query.liveCustomerId,
        query.channels,
        query.fromMs === undefined ? null : new Date(query.fromMs).toISOString(),
        query.toMs === undefined ? null : new Date(query.toMs).toISOString(),
        query.after ? new Date(query.after.at).toISOString() : null,
        query.after?.kind ?? null,
        query.after?.id ?? null,
        query.limit,
      ],
    );
    return rows.map((row) => ({ at: row.at.getTime(), kind: row.kind, id: row.id }));
  }
}
