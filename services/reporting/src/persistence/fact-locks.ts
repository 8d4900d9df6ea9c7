import type { EntityManager } from 'typeorm';

/**
 * Serialises batches that touch the same interaction or agent (interaction and message events of
 * one interaction arrive on different topics, so in parallel). Transaction-level advisory locks
 * also cover rows that do not exist yet, which FOR UPDATE cannot; taken in hash order, so two
 * batches never wait on each other in a cycle.
 */
export async function lockFactSubjects(manager: EntityManager, tenantId: string, kind: 'interaction' | 'agent', ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await manager.query(
    `SELECT pg_advisory_xact_lock(h) FROM (
       SELECT DISTINCT hashtextextended($1 || '/' || $2 || '/' || id, 0) AS h FROM unnest($3::text[]) AS id ORDER BY 1 OFFSET 0
     ) AS locks`,
    [tenantId, kind, ids],
  );
}
