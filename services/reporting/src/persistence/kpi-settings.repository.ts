import type { EntityManager } from 'typeorm';
import type { KpiSettings } from '../domain/kpi/kpi-settings';

/** A tenant's own KPI settings (overrides of the service defaults); absent: the defaults. */
export class KpiSettingsRepository {
  async load(manager: EntityManager, tenantId: string): Promise<Partial<KpiSettings>> {
    const rows: { settings: Partial<KpiSettings> }[] = await manager.query(`SELECT "settings" FROM "tenant_kpi_settings" WHERE "tenant_id" = $1`, [tenantId]);
    return rows[0]?.settings ?? {};
  }

  async save(manager: EntityManager, tenantId: string, overrides: Partial<KpiSettings>): Promise<void> {
    await manager.query(
      `INSERT INTO "tenant_kpi_settings" ("tenant_id", "settings") VALUES ($1, $2)
       ON CONFLICT ("tenant_id") DO UPDATE SET "settings" = excluded."settings", "updated_at" = now()`,
      [tenantId, JSON.stringify(overrides)],
    );
  }
}
