import type { DataSource, EntityManager } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { ConsumedEvent, EventBatchHandler, EventHandler, EventRecord } from './event-bus.port';

const markStatement = (first: number) => `
  INSERT INTO "inbox" ("consumer_group", "event_id", "tenant_id")
  SELECT $${first}, u.event_id, u.tenant_id FROM unnest($${first + 1}::uuid[], $${first + 2}::text[]) AS u(event_id, tenant_id)
  ON CONFLICT DO NOTHING
  RETURNING "event_id"`;
const markProcessed = markStatement(1);

/** An expression evaluated in the same statement as the inbox mark; its parameters are numbered from $4. */
export interface InboxSideQuery {
  readonly expression: string;
  readonly params: readonly unknown[];
}

/**
 * Makes consumers idempotent: an event's id is recorded per consumer group in the same
 * transaction as the state change it causes, so a redelivered event finds its mark and is
 * skipped, and a failed transaction leaves neither the change nor the mark.
 */
export const Inbox = {
  /** Runs `fn` unless this group already processed the event; true when it ran. */
  async processOnce(
    manager: EntityManager,
    groupId: string,
    event: EventRecord,
    fn: (manager: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    const fresh = await Inbox.processBatchOnce(manager, groupId, [event], (m) => fn(m));
    return fresh === 1;
  },

  /** Runs `fn` once with the events this group has not processed yet, in their order; how many. */
  async processBatchOnce<E extends EventRecord>(
    manager: EntityManager,
    groupId: string,
    events: readonly E[],
    fn: (manager: EntityManager, fresh: readonly E[]) => Promise<void>,
  ): Promise<number> {
    if (events.length === 0) return 0;
    const inserted: { event_id: string }[] = await manager.query(markProcessed, [
      groupId,
      events.map((e) => e.id),
      events.map((e) => e.tenantId),
    ]);
    const fresh = freshOf(events, inserted.map((row) => row.event_id));
    if (fresh.length > 0) await fn(manager, fresh);
    return fresh.length;
  },

  /**
   * Marks the events like processBatchOnce and evaluates `side` in the same statement (one round
   * trip for both), e.g. a check the caller needs before it acts. `side` sees the database as
   * of the statement's start, not the new marks. Returns the events not processed before, in
   * their order, and the side expression's value.
   */
  async markWith<E extends EventRecord, V>(manager: EntityManager, groupId: string, events: readonly E[], side: InboxSideQuery): Promise<{ fresh: E[]; value: V }> {
    const [row]: { fresh: string[]; value: V }[] = await manager.query(
      `WITH "marked" AS (${markProcessed}) SELECT array(SELECT "event_id"::text FROM "marked") AS "fresh", (${side.expression}) AS "value"`,
      [groupId, events.map((e) => e.id), events.map((e) => e.tenantId), ...side.params],
    );
    return { fresh: freshOf(events, row.fresh), value: row.value };
  },

  /**
   * The mark as a data-modifying CTE for a statement of the caller's (returning the ids of the
   * events not processed before), with its three parameters numbered from `$first`.
   */
  markCte<E extends EventRecord>(groupId: string, events: readonly E[], first: number): { readonly sql: string; readonly params: readonly unknown[] } {
    return { sql: markStatement(first), params: [groupId, events.map((e) => e.id), events.map((e) => e.tenantId)] };
  },
};

/** A batch can carry one event twice (a relay re-publish); the first copy is the one. */
function freshOf<E extends EventRecord>(events: readonly E[], insertedIds: readonly string[]): E[] {
  const newIds = new Set(insertedIds);
  return events.filter((e) => newIds.delete(e.id));
}

const scopeOf = (event: EventRecord) => ({ workspaceId: event.workspaceId, tenantId: event.tenantId });

/** An EventHandler that runs `fn` once per event, in a transaction sealed to the event's tenant. */
export function handleWithInbox(
  dataSource: DataSource,
  groupId: string,
  fn: (manager: EntityManager, event: ConsumedEvent) => Promise<void>,
): EventHandler {
  return async (event) => {
    await withTenantTransaction(dataSource, (manager) => Inbox.processOnce(manager, groupId, event, (m) => fn(m, event)), scopeOf(event));
  };
}

/**
 * An EventBatchHandler that handles a whole batch (the bus gives one tenant scope per batch)
 * in one transaction, passing `fn` only the events not processed before.
 */
export function handleBatchWithInbox(
  dataSource: DataSource,
  groupId: string,
  fn: (manager: EntityManager, events: readonly ConsumedEvent[]) => Promise<void>,
): EventBatchHandler {
  return async (events) => {
    if (events.length === 0) return;
    const [first] = events;
    if (events.some((e) => e.workspaceId !== first.workspaceId || e.tenantId !== first.tenantId)) {
      throw new Error('handleBatchWithInbox needs a batch of one tenant scope');
    }
    await withTenantTransaction(dataSource, (manager) => Inbox.processBatchOnce(manager, groupId, events, fn), scopeOf(first));
  };
}
