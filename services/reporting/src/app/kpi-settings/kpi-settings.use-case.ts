import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import type { KpiSettings } from '../../domain/kpi/kpi-settings';
import { AgentTeamRepository } from '../../persistence/agent-team.repository';
import { lockRollupZoneExclusively } from '../../persistence/fact-locks';
import { IntervalAggregateRepository } from '../../persistence/interval-aggregate.repository';
import type { TenantKpiSettings } from './tenant-kpi-settings';

/** Reads and replaces a tenant's KPI settings (re-cutting its daily roll-ups on a new zone); assigns agents to teams. */
export class ReportingSettingsUseCase {
  private readonly teams = new AgentTeamRepository();
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
  ) {}

  get(tenantId: string): Promise<KpiSettings> {
    return withTenantTransaction(this.dataSource, (manager) => this.settings.settingsFor(manager, tenantId));
  }

  /**
   * Validates the whole result (KpiInputError) before storing the overrides. A new time zone
   * rebuilds the daily roll-ups as its local days in the same transaction, under the zone lock that
   * every aggregate writer holds shared.
   */
  replace(tenantId: string, overrides: Partial<KpiSettings>): Promise<KpiSettings> {
    return withTenantTransaction(this.dataSource, async (manager) => {
      await lockRollupZoneExclusively(manager, tenantId);
      const settings = await this.settings.replace(manager, tenantId, overrides);
      if ((await this.aggregates.dailyZone(manager, tenantId)) !== settings.timeZone) await this.aggregates.rebuildDaily(manager, tenantId, settings.timeZone);
      return settings;
    });
  }

  setTeam(tenantId: string, agentIds: readonly string[], teamId: string): Promise<void> {
    return withTenantTransaction(this.dataSource, (manager) => this.teams.assign(manager, tenantId, agentIds, teamId));
  }
}
