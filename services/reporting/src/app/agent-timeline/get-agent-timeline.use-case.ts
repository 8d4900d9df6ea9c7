import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { type AgentDayTimeline, agentDayTimeline } from '../../domain/facts/agent-timeline';
import { localDayOf } from '../../domain/facts/local-day';
import { AgentTimelineRepository } from '../../persistence/agent-timeline.repository';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';

/** One agent's state changes on one local day of the tenant's zone, for adherence and conformance. */
export class GetAgentTimelineUseCase {
  private readonly timeline = new AgentTimelineRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
  ) {}

  /** The day holding `dayMs` in the tenant's zone (KPI setting timeZone). */
  execute(tenantId: string, agentId: string, dayMs: number): Promise<AgentDayTimeline> {
    return withTenantTransaction(this.dataSource, async (manager) => {
      const day = localDayOf(dayMs, (await this.settings.settingsFor(manager, tenantId)).timeZone);
      return agentDayTimeline(agentId, day, await this.timeline.loadRange(manager, tenantId, day.startMs, day.endMs, [agentId]));
    });
  }
}
