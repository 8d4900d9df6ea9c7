import type { EntityManager } from 'typeorm';

/**
 * Serialises transactions that touch the same identity or interaction (message and interaction
 * events of one contact arrive on different topics, so in parallel). Advisory locks also cover
 * rows that do not exist yet; taken in hash order, so two transactions never wait in a cycle.
 * Callers lock identities before interactions.
 */
export async function lockSubjects(manager: EntityManager, tenantId: string, kind: 'identity' | 'interaction', keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await manager.query(
    `SELECT pg_advisory_xact_lock(h) FROM (
       SELECT DISTINCT hashtextextended($1 || '/' || $2 || '/' || k, 0) AS h FROM unnest($3::text[]) AS k ORDER BY 1 OFFSET 0
     ) AS locks`,
    [tenantId, kind, keys],
  );
}
