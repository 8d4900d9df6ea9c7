import type { EntityManager } from 'typeorm';
import { preparedQuery } from '@contactcenter/tenancy';
import type { InboxSideQuery, PreparedOutboxRows } from '@contactcenter/messaging';
import type { RoutingSnapshot } from '../domain';
import type { RoutingCommand } from '../app/routing-command';
import type { QueueDefinition } from '../app/routing-definitions';

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

/** What headAndQueuesQuery reads. */
export interface HeadAndQueues {
  readonly head: number | null;
  readonly queues: readonly QueueDefinition[];
}

/** A command's stored answer (the owner's command inbox, ADR 0009). */
export interface StoredCommandResult {
  readonly fingerprint: string;
  readonly result: unknown;
}

/** Reads of a workspace's state that may each race a snapshot being stored before giving up. */
const LOAD_ATTEMPTS = 5;

/** How long a command id is remembered: far longer than any client retries. */
const COMMAND_RESULTS_KEPT = '1 day';

/** Another instance appended the same journal entry first: this one's engine is stale. */
export class JournalConflictError extends Error {
  constructor(readonly workspaceId: string, readonly seq: number) {
    super(`journal entry ${seq} of workspace ${workspaceId} was written by another instance`);
    this.name = 'JournalConflictError';
  }
}

/** The durable routing state of a workspace: latest snapshot plus the commands applied since. */
export class RoutingStateRepository {
  async load(manager: EntityManager, workspaceId: string): Promise<StoredRoutingState> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.read(manager, workspaceId);
      // A newer snapshot committed between the two reads deleted entries the older one needs: read again.
      const expected = (stored.snapshot?.journalSeq ?? 0) + 1;
      const first = stored.journal[0]?.seq;
      if (first === undefined || first === expected) return stored;
      if (attempt >= LOAD_ATTEMPTS) throw new Error(`the journal of workspace ${workspaceId} continues at ${first}, not at ${expected}`);
    }
  }

  private async read(manager: EntityManager, workspaceId: string): Promise<StoredRoutingState> {
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

  /** Every workspace with routing state, across workspaces: only through the listing function (RLS seals the table). */
  async workspaces(manager: EntityManager): Promise<string[]> {
    const rows: { workspace_id: string }[] = await manager.query(`SELECT "routing_workspace_ids" AS "workspace_id" FROM "routing_workspace_ids"()`);
    return rows.map((row) => row.workspace_id);
  }

  /** The newest journal entry; the journal always keeps the entry its snapshot was taken at. */
  async head(manager: EntityManager, workspaceId: string): Promise<number> {
    const rows: { seq: string | null }[] = await manager.query(`SELECT max("seq") AS "seq" FROM "routing_journal" WHERE "workspace_id" = $1`, [workspaceId]);
    return Number(rows[0]?.seq ?? 0);
  }

  /** The definitions of the named queues that exist, by id. */
  async queueDefinitions(manager: EntityManager, workspaceId: string, queueIds: readonly string[]): Promise<Map<string, QueueDefinition>> {
    const rows: { definition: QueueDefinition }[] = await manager.query(
      `SELECT "definition" FROM "routing_queues" WHERE "workspace_id" = $1 AND "queue_id" = ANY($2::text[])`,
      [workspaceId, queueIds],
    );
    return new Map(rows.map(({ definition }) => [definition.config.queueId, definition]));
  }

  /** head() and, in the same statement, the stored answer of the command id if it was applied. */
  async headAndResult(manager: EntityManager, workspaceId: string, commandId: string): Promise<{ head: number; stored?: StoredCommandResult }> {
    const [row]: { head: string | null; fingerprint: string | null; result: unknown }[] = await manager.query(
      `SELECT (SELECT max("seq") FROM "routing_journal" WHERE "workspace_id" = $1) AS "head", "r"."fingerprint", "r"."result"
       FROM (SELECT 1) AS "one" LEFT JOIN "routing_command_results" AS "r" ON "r"."workspace_id" = $1 AND "r"."command_id" = $2`,
      [workspaceId, commandId],
    );
    return { head: Number(row.head ?? 0), stored: row.fingerprint === null ? undefined : { fingerprint: row.fingerprint, result: row.result } };
  }

  /** Stores a command's answer in the transaction that applied it; a second writer of the same id fails on the key. */
  async saveResult(manager: EntityManager, workspaceId: string, commandId: string, fingerprint: string, result: unknown): Promise<void> {
    await manager.query(`INSERT INTO "routing_command_results" ("workspace_id", "command_id", "fingerprint", "result") VALUES ($1, $2, $3, $4)`, [
      workspaceId,
      commandId,
      fingerprint,
      JSON.stringify(result ?? null),
    ]);
  }

  /**
   * head() and the named queues' definitions as one JSON expression (`{head, queues}`), to be
   * evaluated in another statement (the inbox mark), saving round trips.
   */
  headAndQueuesQuery(workspaceId: string, queueIds: readonly string[]): InboxSideQuery {
    return {
      expression: `SELECT json_build_object(
        'head', (SELECT max("seq") FROM "routing_journal" WHERE "workspace_id" = $4),
        'queues', (SELECT coalesce(json_agg("definition"), '[]'::json) FROM "routing_queues" WHERE "workspace_id" = $4 AND "queue_id" = ANY($5::text[])))`,
      params: [workspaceId, queueIds],
    };
  }

  /**
   * Appends entry `seq` and, in the same statement, the outbox rows of its events (one round
   * trip for the whole commit); JournalConflictError when the entry or a later one exists
   * already (a second writer), and the caller rolls back.
   */
  async append(manager: EntityManager, workspaceId: string, entry: JournalEntry, source: KafkaOffsets | undefined, outbox?: PreparedOutboxRows): Promise<void> {
    // Entry n goes in only if neither it nor a later one exists (a concurrent writer of n makes
    // this one wait and then skip); nothing inserted means another instance wrote first. Data-
    // modifying CTEs always run, so the workspace listing and the outbox rows need no reference.
    const [row] = await preparedQuery<{ inserted: number }>(
      manager,
      `WITH "entry" AS (
         INSERT INTO "routing_journal" ("workspace_id", "seq", "commands", "source")
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM "routing_journal" WHERE "workspace_id" = $1 AND "seq" >= $2)
         ON CONFLICT DO NOTHING RETURNING "seq"
       ), "listed" AS (
         INSERT INTO "routing_workspaces" ("workspace_id") SELECT $1 WHERE $2 = 1 ON CONFLICT DO NOTHING
       )${outbox ? `, "events" AS (${outbox.insert(5)})` : ''}
       SELECT count(*)::int AS "inserted" FROM "entry"`,
      [workspaceId, entry.seq, JSON.stringify(entry.commands), source ? JSON.stringify(source) : null, ...(outbox?.params ?? [])],
    );
    if (row.inserted === 0) throw new JournalConflictError(workspaceId, entry.seq);
  }

  /**
   * The inbox marks of consumed events, entry `seq` and the outbox rows of its events in one
   * statement, for commands planned on the engine in memory: the entry goes in only if every
   * event was fresh and neither it nor a later entry exists. How many events were fresh, and
   * whether the entry went in; the caller rolls back otherwise.
   */
  async appendMarked(
    manager: EntityManager,
    workspaceId: string,
    entry: JournalEntry,
    source: KafkaOffsets | undefined,
    mark: { readonly sql: string; readonly params: readonly unknown[]; readonly count: number },
    outbox?: PreparedOutboxRows,
  ): Promise<{ marked: number; inserted: boolean }> {
    const [row] = await preparedQuery<{ marked: number; inserted: number }>(
      manager,
      `WITH "marked" AS (${mark.sql}), "entry" AS (
         INSERT INTO "routing_journal" ("workspace_id", "seq", "commands", "source")
         SELECT $1, $2, $3, $4 WHERE (SELECT count(*) FROM "marked") = $8
           AND NOT EXISTS (SELECT 1 FROM "routing_journal" WHERE "workspace_id" = $1 AND "seq" >= $2)
         ON CONFLICT DO NOTHING RETURNING "seq"
       ), "listed" AS (
         INSERT INTO "routing_workspaces" ("workspace_id") SELECT $1 WHERE $2 = 1 ON CONFLICT DO NOTHING
       )${outbox ? `, "events" AS (${outbox.insert(9)})` : ''}
       SELECT (SELECT count(*)::int FROM "marked") AS "marked", (SELECT count(*)::int FROM "entry") AS "inserted"`,
      [workspaceId, entry.seq, JSON.stringify(entry.commands), source ? JSON.stringify(source) : null, ...mark.params, mark.count, ...(outbox?.params ?? [])],
    );
    return { marked: row.marked, inserted: row.inserted > 0 };
  }

  /**
   * Stores the snapshot taken after entry `journalSeq` (the engine's snapshotJson) unless a
   * newer one is stored, and drops the entries before it. Entry `journalSeq` itself stays, so
   * the journal's primary key still fences the next entry and head() still sees how far the
   * workspace is. Command answers older than a day go too.
   */
  async saveSnapshot(manager: EntityManager, workspaceId: string, journalSeq: number, state: string, kafkaOffsets: KafkaOffsets): Promise<void> {
    await manager.query(
      `INSERT INTO "routing_snapshots" ("workspace_id", "journal_seq", "snapshot", "kafka_offsets", "taken_at") VALUES ($1, $2, $3, $4, now())
       ON CONFLICT ("workspace_id") DO UPDATE SET "journal_seq" = EXCLUDED."journal_seq", "snapshot" = EXCLUDED."snapshot",
         "kafka_offsets" = EXCLUDED."kafka_offsets", "taken_at" = EXCLUDED."taken_at"
       WHERE "routing_snapshots"."journal_seq" < EXCLUDED."journal_seq"`,
      [workspaceId, journalSeq, state, JSON.stringify(kafkaOffsets)],
    );
    await manager.query(`DELETE FROM "routing_journal" WHERE "workspace_id" = $1 AND "seq" < $2`, [workspaceId, journalSeq]);
    await manager.query(`DELETE FROM "routing_command_results" WHERE "workspace_id" = $1 AND "applied_at" < now() - $2::interval`, [workspaceId, COMMAND_RESULTS_KEPT]);
  }
}
