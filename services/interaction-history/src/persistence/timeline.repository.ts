import type { EntityManager } from 'typeorm';
import type { HistoryChannel } from '../domain/interaction-record';
import type { InteractionView, NoteView } from './history-views';
import { type InteractionRow, interactionView } from './interaction.repository';
import { type NoteRow, noteView } from './note-and-case.repository';

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

/** One timeline entry with everything the API shows of it. */
export type TimelineRow = (
  | { readonly kind: 'interaction'; readonly interaction: InteractionView }
  | { readonly kind: 'note'; readonly note: NoteView }
) & { readonly position: TimelinePosition };

/**
 * One keyset query over interactions and notes of a customer and those merged into it, with
 * the entries' details in the same statement. Each alias reads at most one page from each
 * table in index order (a LATERAL with LIMIT per branch), so a page costs the same for a
 * customer with ten or ten thousand interactions.
 */
export class TimelineRepository {
  async page(manager: EntityManager, tenantId: string, query: TimelineQuery): Promise<TimelineRow[]> {
    const rows: (Omit<InteractionRow, 'customer_id'> & Omit<NoteRow, 'customer_id' | 'interaction_id'> & {
      at: Date;
      kind: 'interaction' | 'note';
      id: string;
      interaction_customer_id: string | null;
      note_customer_id: string;
      note_interaction_id: string | null;
    })[] = await manager.query(
      `WITH page AS (
         SELECT e.at, e.kind, e.id, e.note_id
           FROM "customers" a
          CROSS JOIN LATERAL (
            (SELECT i."started_at" AS at, 'interaction'::text AS kind, i."interaction_id" AS id, NULL::uuid AS note_id FROM "interactions" i
              WHERE i."tenant_id" = $1 AND i."customer_id" = a."customer_id"
                AND (cardinality($3::text[]) = 0 OR i."channel" = ANY($3::text[]))
                AND ($4::timestamptz IS NULL OR i."started_at" >= $4) AND ($5::timestamptz IS NULL OR i."started_at" < $5)
                AND ($6::timestamptz IS NULL OR (i."started_at" <= $6 AND (i."started_at", 'interaction'::text, i."interaction_id") < ($6, $7::text, $8::text)))
              ORDER BY i."started_at" DESC, i."interaction_id" DESC LIMIT $9)
            UNION ALL
            (SELECT n."created_at", 'note'::text, n."note_id"::text, n."note_id" FROM "notes" n
              WHERE n."tenant_id" = $1 AND n."customer_id" = a."customer_id" AND cardinality($3::text[]) = 0
                AND ($4::timestamptz IS NULL OR n."created_at" >= $4) AND ($5::timestamptz IS NULL OR n."created_at" < $5)
                AND ($6::timestamptz IS NULL OR (n."created_at" <= $6 AND (n."created_at", 'note'::text, n."note_id"::text) < ($6, $7::text, $8::text)))
              ORDER BY n."created_at" DESC, n."note_id" DESC LIMIT $9)
          ) e
          WHERE a."tenant_id" = $1 AND (a."customer_id" = $2 OR a."merged_into" = $2)
          ORDER BY e.at DESC, e.kind DESC, e.id DESC LIMIT $9
       )
       SELECT p.at, p.kind, p.id,
              i."interaction_id", COALESCE(c."merged_into", c."customer_id") AS interaction_customer_id, i."record", i."case_id",
              (SELECT count(*)::int FROM "messages" m WHERE m."tenant_id" = $1 AND m."interaction_id" = i."interaction_id") AS message_count,
              n."note_id", n."customer_id" AS note_customer_id, n."interaction_id" AS note_interaction_id, n."author_id", n."body", n."created_at"
         FROM page p
         LEFT JOIN "interactions" i ON p.kind = 'interaction' AND i."tenant_id" = $1 AND i."interaction_id" = p.id
         LEFT JOIN "customers" c ON c."tenant_id" = i."tenant_id" AND c."customer_id" = i."customer_id"
         LEFT JOIN "notes" n ON n."tenant_id" = $1 AND n."note_id" = p.note_id
        ORDER BY p.at DESC, p.kind DESC, p.id DESC`,
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
    return rows.map((row): TimelineRow => {
      const position = { at: row.at.getTime(), kind: row.kind, id: row.id };
      return row.kind === 'interaction'
        ? { kind: 'interaction', position, interaction: interactionView({ ...row, customer_id: row.interaction_customer_id }) }
        : { kind: 'note', position, note: noteView({ ...row, customer_id: row.note_customer_id, interaction_id: row.note_interaction_id }) };
    });
  }
}
