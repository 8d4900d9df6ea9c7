import type { EntityManager } from 'typeorm';
import type { AgentProfile, BusinessHoursDefinition, QueueDefinition, SkillDefinition } from '../app/routing-definitions';

/**
 * Routing configuration rows of one workspace. Every method takes the workspace id and filters
 * on it, on top of row-level security, and runs in the caller's transaction.
 */
export class RoutingConfigRepository {
  async queue(manager: EntityManager, workspaceId: string, queueId: string): Promise<QueueDefinition | undefined> {
    const rows: { definition: QueueDefinition }[] = await manager.query(
      `SELECT "definition" FROM "routing_queues" WHERE "workspace_id" = $1 AND "queue_id" = $2`,
      [workspaceId, queueId],
    );
    return rows[0]?.definition;
  }

  async queues(manager: EntityManager, workspaceId: string, tenantId?: string): Promise<QueueDefinition[]> {
    const rows: { definition: QueueDefinition }[] = await manager.query(
      `SELECT "definition" FROM "routing_queues" WHERE "workspace_id" = $1 AND ($2::text IS NULL OR "tenant_id" = $2) ORDER BY "queue_id"`,
      [workspaceId, tenantId ?? null],
    );
    return rows.map((row) => row.definition);
  }

  async saveQueue(manager: EntityManager, workspaceId: string, queue: QueueDefinition): Promise<void> {
    await manager.query(
      `INSERT INTO "routing_queues" ("workspace_id", "queue_id", "tenant_id", "definition") VALUES ($1, $2, $3, $4)
       ON CONFLICT ("workspace_id", "queue_id") DO UPDATE SET "tenant_id" = EXCLUDED."tenant_id", "definition" = EXCLUDED."definition", "updated_at" = now()`,
      [workspaceId, queue.config.queueId, queue.config.tenantId, JSON.stringify(queue)],
    );
  }

  async deleteQueue(manager: EntityManager, workspaceId: string, queueId: string): Promise<boolean> {
    const [, count] = await manager.query(`DELETE FROM "routing_queues" WHERE "workspace_id" = $1 AND "queue_id" = $2`, [workspaceId, queueId]);
    return count > 0;
  }

  async skills(manager: EntityManager, workspaceId: string): Promise<SkillDefinition[]> {
    return manager.query(`SELECT "name", "description" FROM "routing_skills" WHERE "workspace_id" = $1 ORDER BY "name"`, [workspaceId]);
  }

  async saveSkill(manager: EntityManager, workspaceId: string, skill: SkillDefinition): Promise<void> {
    await manager.query(
      `INSERT INTO "routing_skills" ("workspace_id", "name", "description") VALUES ($1, $2, $3)
       ON CONFLICT ("workspace_id", "name") DO UPDATE SET "description" = EXCLUDED."description"`,
      [workspaceId, skill.name, skill.description],
    );
  }

  async deleteSkill(manager: EntityManager, workspaceId: string, name: string): Promise<boolean> {
    const [, count] = await manager.query(`DELETE FROM "routing_skills" WHERE "workspace_id" = $1 AND "name" = $2`, [workspaceId, name]);
    return count > 0;
  }

  async businessHours(manager: EntityManager, workspaceId: string, businessHoursId?: string): Promise<BusinessHoursDefinition[]> {
    const rows: { definition: BusinessHoursDefinition }[] = await manager.query(
      `SELECT "definition" FROM "routing_business_hours" WHERE "workspace_id" = $1 AND ($2::text IS NULL OR "business_hours_id" = $2) ORDER BY "business_hours_id"`,
      [workspaceId, businessHoursId ?? null],
    );
    return rows.map((row) => row.definition);
  }

  async saveBusinessHours(manager: EntityManager, workspaceId: string, hours: BusinessHoursDefinition): Promise<void> {
    await manager.query(
      `INSERT INTO "routing_business_hours" ("workspace_id", "business_hours_id", "definition") VALUES ($1, $2, $3)
       ON CONFLICT ("workspace_id", "business_hours_id") DO UPDATE SET "definition" = EXCLUDED."definition", "updated_at" = now()`,
      [workspaceId, hours.businessHoursId, JSON.stringify(hours)],
    );
  }

  async deleteBusinessHours(manager: EntityManager, workspaceId: string, businessHoursId: string): Promise<boolean> {
    const [, count] = await manager.query(
      `DELETE FROM "routing_business_hours" WHERE "workspace_id" = $1 AND "business_hours_id" = $2`,
      [workspaceId, businessHoursId],
    );
    return count > 0;
  }

  async profile(manager: EntityManager, workspaceId: string, agentId: string): Promise<AgentProfile | undefined> {
    const rows: { definition: AgentProfile }[] = await manager.query(
      `SELECT "definition" FROM "routing_agent_profiles" WHERE "workspace_id" = $1 AND "agent_id" = $2`,
      [workspaceId, agentId],
    );
    return rows[0]?.definition;
  }

  async profiles(manager: EntityManager, workspaceId: string): Promise<AgentProfile[]> {
    const rows: { definition: AgentProfile }[] = await manager.query(
      `SELECT "definition" FROM "routing_agent_profiles" WHERE "workspace_id" = $1 ORDER BY "agent_id"`,
      [workspaceId],
    );
    return rows.map((row) => row.definition);
  }

  async saveProfile(manager: EntityManager, workspaceId: string, profile: AgentProfile): Promise<void> {
    await manager.query(
      `INSERT INTO "routing_agent_profiles" ("workspace_id", "agent_id", "definition") VALUES ($1, $2, $3)
       ON CONFLICT ("workspace_id", "agent_id") DO UPDATE SET "definition" = EXCLUDED."definition", "updated_at" = now()`,
      [workspaceId, profile.agentId, JSON.stringify(profile)],
    );
  }

  async deleteProfile(manager: EntityManager, workspaceId: string, agentId: string): Promise<boolean> {
    const [, count] = await manager.query(`DELETE FROM "routing_agent_profiles" WHERE "workspace_id" = $1 AND "agent_id" = $2`, [workspaceId, agentId]);
    return count > 0;
  }
}
