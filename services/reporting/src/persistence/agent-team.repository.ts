import type { EntityManager } from 'typeorm';

/** Which team each agent is in now; reports grouped by team use the current mapping. */
export class AgentTeamRepository {
  async assign(manager: EntityManager, tenantId: string, agentIds: readonly string[], teamId: string): Promise<void> {
    if (agentIds.length === 0) return;
    if (teamId === '') {
      await manager.query(`DELETE FROM "agent_teams" WHERE "tenant_id" = $1 AND "agent_id" = ANY($2::text[])`, [tenantId, agentIds]);
      return;
    }
    await manager.query(
      `INSERT INTO "agent_teams" ("tenant_id", "agent_id", "team_id") SELECT $1, id, $3 FROM unnest($2::text[]) AS id
       ON CONFLICT ("tenant_id", "agent_id") DO UPDATE SET "team_id" = excluded."team_id"`,
      [tenantId, agentIds, teamId],
    );
  }

  /** The agents of the team this agent is in (itself included); empty when it is in none. */
  async teammatesOf(manager: EntityManager, tenantId: string, agentId: string): Promise<string[]> {
    const rows: { agent_id: string }[] = await manager.query(
      `SELECT m."agent_id" FROM "agent_teams" m
       JOIN "agent_teams" me ON me."tenant_id" = m."tenant_id" AND me."team_id" = m."team_id"
       WHERE m."tenant_id" = $1 AND me."agent_id" = $2 ORDER BY m."agent_id"`,
      [tenantId, agentId],
    );
    return rows.map((row) => row.agent_id);
  }
}
