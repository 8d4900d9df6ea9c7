import type { EntityManager } from 'typeorm';

export interface MessageTemplate {
  readonly templateId: string;
  readonly name: string;
  readonly body: string;
  readonly variables: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface TemplateRow {
  template_id: string;
  name: string;
  body: string;
  variables: string[];
  created_at: Date;
  updated_at: Date;
}

const templateOf = (row: TemplateRow): MessageTemplate => ({
  templateId: row.template_id,
  name: row.name,
  body: row.body,
  variables: row.variables,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Canned responses of the transaction's tenant, unique by name. */
export class TemplateRepository {
  async put(manager: EntityManager, tenantId: string, template: Omit<MessageTemplate, 'createdAt' | 'updatedAt'>, now: Date): Promise<MessageTemplate> {
    const rows: TemplateRow[] = await manager.query(
      `INSERT INTO "message_templates" ("tenant_id", "template_id", "name", "body", "variables", "created_at", "updated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT ("tenant_id", "name") DO UPDATE SET "body" = EXCLUDED."body", "variables" = EXCLUDED."variables", "updated_at" = EXCLUDED."updated_at"
       RETURNING "template_id", "name", "body", "variables", "created_at", "updated_at"`,
      [tenantId, template.templateId, template.name, template.body, [...template.variables], now],
    );
    return templateOf(rows[0]);
  }

  async get(manager: EntityManager, tenantId: string, name: string): Promise<MessageTemplate | undefined> {
    const rows: TemplateRow[] = await manager.query(
      `SELECT "template_id", "name", "body", "variables", "created_at", "updated_at" FROM "message_templates" WHERE "tenant_id" = $1 AND "name" = $2`,
      [tenantId, name],
    );
    return rows[0] && templateOf(rows[0]);
  }

  async list(manager: EntityManager, tenantId: string): Promise<MessageTemplate[]> {
    const rows: TemplateRow[] = await manager.query(
      `SELECT "template_id", "name", "body", "variables", "created_at", "updated_at" FROM "message_templates" WHERE "tenant_id" = $1 ORDER BY "name"`,
      [tenantId],
    );
    return rows.map(templateOf);
  }

  async delete(manager: EntityManager, tenantId: string, name: string): Promise<boolean> {
    const [, count]: [unknown, number] = await manager.query(`DELETE FROM "message_templates" WHERE "tenant_id" = $1 AND "name" = $2`, [tenantId, name]);
    return count > 0;
  }
}
