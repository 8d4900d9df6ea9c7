import type { InboxSideQuery } from '@contactcenter/messaging';
import type { EntityManager } from 'typeorm';

export type FactSubjectKind = 'interaction' | 'agent' | 'customer';

/**
 * The key of a tenant's roll-up zone lock: every writer of aggregates holds it shared, a change of
 * the zone exclusively while it rebuilds the daily roll-ups (so no batch writes days of the old zone
 * after the rebuild read the intervals). Taken before the statement that reads the zone.
 */
const ROLLUP_ZONE_KEY = 'rollup-zone';

const LOCKS = (tenant: string, keys: string) =>
  `SELECT h, CASE WHEN shared THEN pg_advisory_xact_lock_shared(h) ELSE pg_advisory_xact_lock(h) END
     FROM (SELECT DISTINCT hashtextextended(${tenant} || '/' || k, 0) AS h, k = '${ROLLUP_ZONE_KEY}' AS shared FROM unnest(${keys}::text[]) AS k ORDER BY 1 OFFSET 0) AS ordered`;

/** The roll-up zone lock, exclusively: a zone change, waiting for every aggregate writer of the tenant to finish. */
export async function lockRollupZoneExclusively(manager: EntityManager, tenantId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))`, [tenantId, ROLLUP_ZONE_KEY]);
}

export interface FactSubject {
  readonly kind: FactSubjectKind;
  readonly id: string;
}

/** Each key once: a batch names an interaction in each of its events, and every key is a parameter to send and sort. */
const lockKeys = (subjects: readonly FactSubject[]) => [ROLLUP_ZONE_KEY, ...new Set(subjects.map(({ kind, id }) => `${kind}/${id}`))];

/**
 * What a writer of aggregates takes first, in one statement and hash order: the roll-up zone lock
 * (shared) and its subjects' locks. Waiting for the zone while holding a subject could close a
 * cycle with a zone change queued between two writers; taking them together cannot.
 */
export async function lockForAggregateWrite(manager: EntityManager, tenantId: string, subjects: readonly FactSubject[]): Promise<void> {
  await manager.query(LOCKS('$1', '$2'), [tenantId, lockKeys(subjects)]);
}

/**
 * Serialises batches that touch the same interaction, agent or customer (interaction and message
 * events of one interaction arrive on different topics, so in parallel). Transaction-level advisory
 * locks also cover rows that do not exist yet, which FOR UPDATE cannot; taken in hash order, so two
 * batches never wait on each other in a cycle.
 */
export async function lockFactSubjects(manager: EntityManager, tenantId: string, kind: FactSubjectKind, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await manager.query(LOCKS('$1', '$2'), [tenantId, ids.map((id) => `${kind}/${id}`)]);
}

/**
 * lockForAggregateWrite's locks, taken by the statement that marks a batch in the inbox (one
 * round trip fewer per batch).
 */
export function lockFactSubjectsSide(tenantId: string, subjects: readonly FactSubject[]): InboxSideQuery {
  return { expression: `SELECT count(*) FROM (${LOCKS('$4', '$5')}) AS locked`, params: [tenantId, lockKeys(subjects)] };
}
