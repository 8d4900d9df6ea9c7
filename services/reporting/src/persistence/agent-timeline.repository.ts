import type { EntityManager } from 'typeorm';
import type { AgentActivity, AgentStateFact } from '../domain/facts/reporting-fact';

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
    const rows: { event_id: string; activity: AgentActivity; at_ms: string }[] = await manager.query(
      `WITH bounds AS (
         SELECT coalesce((SELECT max("changed_at") FROM "agent_state_changes" WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "changed_at" < to_timestamp($3 / 1000.0)), '-infinity') AS lo,
                coalesce((SELECT min("changed_at") FROM "agent_state_changes" WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "changed_at" > to_timestamp($4 / 1000.0)), 'infinity') AS hi)
       SELECT "event_id", "activity", (extract(epoch FROM "changed_at") * 1000)::bigint AS at_ms
         FROM "agent_state_changes", bounds
        WHERE "tenant_id" = $1 AND "agent_id" = $2 AND "changed_at" BETWEEN bounds.lo AND bounds.hi
        ORDER BY "changed_at", "event_id"`,
      [tenantId, agentId, fromMs, toMs],
    );
    return rows.map((row) => ({ kind: 'agent-state', agentId, activity: row.activity, at: Number(row.at_ms), eventId: row.event_id }));
  }

  async insert(manager: EntityManager, tenantId: string, changes: readonly AgentStateFact[]): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(
      `INSERT INTO "agent_state_changes" ("tenant_id", "agent_id", "changed_at", "event_id", "activity")
       SELECT $1, u.agent_id, to_timestamp(u.at_ms / 1000.0), u.event_id, u.activity
         FROM unnest($2::text[], $3::bigint[], $4::uuid[], $5::text[]) AS u(agent_id, at_ms, event_id, activity)
       ON CONFLICT DO NOTHING`,
      [tenantId, changes.map((c) => c.agentId), changes.map((c) => c.at), changes.map((c) => c.eventId), changes.map((c) => c.activity)],
    );
  }
}
