import type { EntityManager } from 'typeorm';
import { ALIASES, escapeLike } from './customer.repository';
import type { CaseStatus, CaseView, NoteView } from './history-views';

export interface NoteRow {
  note_id: string;
  customer_id: string;
  interaction_id: string | null;
  author_id: string;
  body: string;
  created_at: Date;
}

interface CaseRow {
  case_id: string;
  customer_id: string;
  subject: string;
  status: CaseStatus;
  owner_id: string;
  created_at: Date;
  updated_at: Date;
}

export const noteView = (row: NoteRow): NoteView => ({
  noteId: row.note_id,
  customerId: row.customer_id,
  interactionId: row.interaction_id,
  authorId: row.author_id,
  text: row.body,
  createdAt: row.created_at,
});

const caseView = (row: CaseRow): CaseView => ({
  caseId: row.case_id,
  customerId: row.customer_id,
  subject: row.subject,
  status: row.status,
  ownerId: row.owner_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const NOTE_COLUMNS = `n."note_id", n."customer_id", n."interaction_id", n."author_id", n."body", n."created_at"`;
const CASE_COLUMNS = `"case_id", "customer_id", "subject", "status", "owner_id", "created_at", "updated_at"`;

/** Agents' notes and cases; the customer id given is the live one, stored rows follow merges. */
export class NoteAndCaseRepository {
  async addNote(manager: EntityManager, tenantId: string, note: NoteView): Promise<void> {
    await manager.query(
      `INSERT INTO "notes" ("tenant_id", "note_id", "customer_id", "interaction_id", "author_id", "body", "created_at") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, note.noteId, note.customerId, note.interactionId, note.authorId, note.text, note.createdAt],
    );
  }

  async notesOfInteraction(manager: EntityManager, tenantId: string, interactionId: string): Promise<NoteView[]> {
    const rows: NoteRow[] = await manager.query(`SELECT ${NOTE_COLUMNS} FROM "notes" n WHERE n."tenant_id" = $1 AND n."interaction_id" = $2 ORDER BY n."created_at", n."note_id"`, [tenantId, interactionId]);
    return rows.map(noteView);
  }

  /**
   * Notes whose text holds every word of the query or the query as a fragment, like message
   * search; newest first, after `after`. Erased customers' notes are deleted, merged ones moved.
   */
  async searchNotes(
    manager: EntityManager,
    tenantId: string,
    query: { text: string; liveCustomerId?: string; after?: { at: number; id: string }; limit: number },
  ): Promise<NoteView[]> {
    const rows: NoteRow[] = await manager.query(
      `SELECT ${NOTE_COLUMNS} FROM "notes" n
        WHERE n."tenant_id" = $1
          AND (n."search" @@ plainto_tsquery('simple', $2) OR n."body" ILIKE '%' || $3 || '%' ESCAPE '\\')
          AND ($4::uuid IS NULL OR n."customer_id" IN (SELECT "customer_id" FROM "customers" WHERE "tenant_id" = $1 AND ("customer_id" = $4 OR "merged_into" = $4)))
          AND ($5::timestamptz IS NULL OR (n."created_at", n."note_id") < ($5::timestamptz, $6::uuid))
        ORDER BY n."created_at" DESC, n."note_id" DESC LIMIT $7`,
      [tenantId, query.text, escapeLike(query.text), query.liveCustomerId ?? null, query.after ? new Date(query.after.at).toISOString() : null, query.after?.id ?? null, query.limit],
    );
    return rows.map(noteView);
  }

  async createCase(manager: EntityManager, tenantId: string, value: CaseView): Promise<void> {
    await manager.query(
      `INSERT INTO "cases" ("tenant_id", ${CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenantId, value.caseId, value.customerId, value.subject, value.status, value.ownerId, value.createdAt, value.updatedAt],
    );
  }

  /** A case whose customer is live, locked for update. */
  async lockCase(manager: EntityManager, tenantId: string, caseId: string): Promise<CaseView | undefined> {
    const [row]: CaseRow[] = await manager.query(
      `SELECT k."case_id", COALESCE(c."merged_into", c."customer_id") AS customer_id, k."subject", k."status", k."owner_id", k."created_at", k."updated_at"
         FROM "cases" k JOIN "customers" c ON c."tenant_id" = k."tenant_id" AND c."customer_id" = k."customer_id"
        WHERE k."tenant_id" = $1 AND k."case_id" = $2 AND c."erased_at" IS NULL FOR UPDATE OF k`,
      [tenantId, caseId],
    );
    return row && caseView(row);
  }

  async saveCase(manager: EntityManager, tenantId: string, value: CaseView): Promise<void> {
    await manager.query(
      `UPDATE "cases" SET "subject" = $3, "status" = $4, "owner_id" = $5, "updated_at" = $6 WHERE "tenant_id" = $1 AND "case_id" = $2`,
      [tenantId, value.caseId, value.subject, value.status, value.ownerId, value.updatedAt],
    );
  }

  async casesOf(manager: EntityManager, tenantId: string, liveCustomerId: string, statuses: readonly CaseStatus[]): Promise<CaseView[]> {
    const rows: CaseRow[] = await manager.query(
      `SELECT "case_id", $2::uuid AS customer_id, "subject", "status", "owner_id", "created_at", "updated_at" FROM "cases"
        WHERE "tenant_id" = $1 AND "customer_id" IN (${ALIASES}) AND (cardinality($3::text[]) = 0 OR "status" = ANY($3::text[]))
        ORDER BY "created_at" DESC, "case_id" DESC`,
      [tenantId, liveCustomerId, statuses],
    );
    return rows.map(caseView);
  }
}
