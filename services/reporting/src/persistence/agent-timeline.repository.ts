import type { EntityManager } from 'typeorm';
import type { AgentActivity, AgentStateFact } from '../domain/facts/reporting-fact';

type Row = { agent_id: string; event_id: string; activity: AgentActivity; reason: string; at_ms: string };
const factOf = (row: Row): AgentStateFact => ({ kind: 'agent-state', agentId: row.agent_id, activity: row.activity, reason: row.reason, at: Number(row.at_ms), eventId: row.event_id });
const COLUMNS = `"agent_id", "event_id", "activity", "reason", (extract(epoch FROM "changed_at") * 1000)::bigint AS at_ms`;

/**
 * The agent state timeline: one row per state change. Spans between consecutive changes are what
 * agent time aggregates are built from, so a late change only reshapes its neighbours' spans.
 */
export class AgentTimelineRepository {
  /**
   * The agent's changes from the last one before `fromMs` to the first one after `toMs`, in
   * timeline order: every change whose span a new change within [fromMs, toMs] can alter.
   */
  async loadAround(manager: EntityManager, tenantId: string, agentId: string, fromMs: number, toMs: number): Promise<AgentStateFact[]> {
    const rows: Row[] = await manager.query(
      `WITH bounds AS (
         SELECT coalesce((SELECT max("changed_at") FROM "agent_state_changes" WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "changed_at" < to_timestamp($3 / 1000.0)), '-infinity') AS lo,
                coalesce((SELECT min("changed_at") FROM "agent_state_changes" WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "changed_at" > to_timestamp($4 / 1000.0)), 'infinity') AS hi)
       SELECT ${COLUMNS}
         FROM "agent_state_changes", bounds
        WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "changed_at" BETWEEN bounds.lo AND bounds.hi
        ORDER BY "changed_at", "event_id"`,
      [tenantId, agentId, fromMs, toMs],
    );
    return rows.map(factOf);
  }

  /**
   * Changes in [fromMs, toMs) of the agents named (all when undefined), each preceded by the
   * agent's last change before fromMs (the state it entered the range in), in timeline order.
   */
  async loadRange(manager: EntityManager, tenantId: string, fromMs: number, toMs: number, agentIds?: readonly string[]): Promise<AgentStateFact[]> {
    const rows: Row[] = await manager.query(
      `(SELECT DISTINCT ON ("agent_id") ${COLUMNS} FROM "agent_state_changes"
         WHERE "tenant_id" = $1 AND "changed_at" < to_timestamp($2 / 1000.0) AND ($4::text[] IS NULL OR "agent_id" = ANY($4::text[]))
         ORDER BY "agent_id", "changed_at" DESC, "event_id" DESC)
       UNION ALL
       (SELECT ${COLUMNS} FROM "agent_state_changes"
         WHERE "tenant_id" = $1 AND "changed_at" >= to_timestamp($2 / 1000.0) AND "changed_at" < to_timestamp($3 / 1000.0)
           AND ($4::text[] IS NULL OR "agent_id" = ANY($4::text[])))
       ORDER BY at_ms, event_id`,
      [tenantId, fromMs, toMs, agentIds ?? null],
    );
    return rows.map(factOf);
  }

  async insert(manager: EntityManager, tenantId: string, changes: readonly AgentStateFact[]): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `INSERT INTO "agent_state_changes" ("tenant_id", "agent_id", "changed_at", "event_id", "activity", "reason")
       SELECT $1, u.agent_id, to_timestamp(u.at_ms / 1000.0), u.event_id, u.activity, u.reason
         FROM unnest($2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::text[]) AS u(agent_id, at_ms, event_id, activity, reason)
       ON CONFLICT DO NOTHING`,
      [tenantId, changes.map((c) => c.agentId), changes.map((c) => c.at), changes.map((c) => c.eventId), changes.map((c) => c.activity), changes.map((c) => c.reason)],
    );
  }
}
