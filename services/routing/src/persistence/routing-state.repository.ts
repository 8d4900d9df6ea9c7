import type { EntityManager } from 'typeorm';
import type { RoutingSnapshot } from '../domain';
import type { RoutingCommand } from '../app/routing-command';

export interface JournalEntry {
  readonly seq: number;
  readonly commands: readonly RoutingCommand[];
}

/** Kafka positions applied so far, "topic#partition" → offset. */
export type KafkaOffsets = Readonly<Record<string, string>>;

export interface StoredRoutingState {
  readonly snapshot?: { readonly journalSeq: number; readonly state: RoutingSnapshot; readonly kafkaOffsets: KafkaOffsets };
  /** Entries after the snapshot, in order. */
  readonly journal: readonly JournalEntry[];
}

/** Another instance appended the same journal entry first: this one's engine is stale. */
export class JournalConflictError extends Error {
  constructor(readonly workspaceId: string, readonly seq: number) {
    super(`journal entry ${seq} of workspace ${workspaceId} was written by another instance`);
    this.name = 'JournalConflictError';
  }
}

const UNIQUE_VIOLATION = '23505';

/** The durable routing state of a workspace: latest snapshot plus the commands applied since. */
export class RoutingStateRepository {
  async load(manager: EntityManager, workspaceId: string): Promise<StoredRoutingState> {
    const snapshots: { journal_seq: string; snapshot: RoutingSnapshot; kafka_offsets: KafkaOffsets }[] = await manager.query(
      `SELECT "journal_seq", "snapshot", "kafka_offsets" FROM "routing_snapshots" WHERE "workspace_id" = $1`,
      [workspaceId],
    );
    const snapshot = snapshots[0] && { journalSeq: Number(snapshots[0].journal_seq), state: snapshots[0].snapshot, kafkaOffsets: snapshots[0].kafka_offsets };
    const journal: { seq: string; commands: RoutingCommand[] }[] = await manager.query(
      `SELECT "seq", "commands" FROM "routing_journal" WHERE "workspace_id" = $1 AND "seq" > $2 ORDER BY "seq"`,
      [workspaceId, snapshot?.journalSeq ?? 0],
    );
    return { snapshot, journal: journal.map((row) => ({ seq: Number(row.seq), commands: row.commands })) };
  }

  async workspaces(manager: EntityManager): Promise<string[]> {
    const rows: { workspace_id: string }[] = await manager.query(`SELECT "workspace_id" FROM "routing_workspaces" ORDER BY "workspace_id"`);
    return rows.map((row) => row.workspace_id);
  }

  /** Appends entry `seq`; JournalConflictError when it exists already (a second writer). */
  async append(manager: EntityManager, workspaceId: string, entry: JournalEntry, source: KafkaOffsets | undefined): Promise<void> {
    if (entry.seq === 1) {
      await manager.query(`INSERT INTO "routing_workspaces" ("workspace_id") VALUES ($1) ON CONFLICT DO NOTHING`, [workspaceId]);
    }
    // A savepoint keeps the transaction usable, so the caller can report the conflict cleanly.
    await manager.query('SAVEPOINT journal_append');
    try {
      await manager.query(`INSERT INTO "routing_journal" ("workspace_id", "seq", "commands", "source") VALUES ($1, $2, $3, $4)`, [
        workspaceId,
        entry.seq,
        JSON.stringify(entry.commands),
        source ? JSON.stringify(source) : null,
      ]);
    } catch (error) {
      await manager.query('ROLLBACK TO SAVEPOINT journal_append');
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new JournalConflictError(workspaceId, entry.seq);
      throw error;
    }
    await manager.query('RELEASE SAVEPOINT journal_append');
  }

  /** Stores the snapshot taken after entry `journalSeq` and drops the entries it includes. */
  async saveSnapshot(manager: EntityManager, workspaceId: string, journalSeq: number, state: RoutingSnapshot, kafkaOffsets: KafkaOffsets): Promise<void> {
    await manager.query(
      `INSERT INTO "routing_snapshots" ("workspace_id", "journal_seq", "snapshot", "kafka_offsets", "taken_at") VALUES ($1, $2, $3, $4, now())
       ON CONFLICT ("workspace_id") DO UPDATE SET "journal_seq" = EXCLUDED."journal_seq", "snapshot" = EXCLUDED."snapshot",
         "kafka_offsets" = EXCLUDED."kafka_offsets", "taken_at" = EXCLUDED."taken_at"`,
      [workspaceId, journalSeq, JSON.stringify(state), JSON.stringify(kafkaOffsets)],
    );
    await manager.query(`DELETE FROM "routing_journal" WHERE "workspace_id" = $1 AND "seq" <= $2`, [workspaceId, journalSeq]);
  }
}
