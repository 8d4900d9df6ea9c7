import type { DataSource } from 'typeorm';
import { withTenantTransaction } from '@contactcenter/tenancy';
import { localDateOf } from '../../domain/facts/local-day';
import { historyRange, type PlannedInterval, staffingPlan, type StaffingPlanInput } from '../../domain/staffing/staffing-plan.calculator';
import { requireStaffingInput } from '../../domain/staffing/staffing-input.error';
import { IntervalAggregateRepository } from '../../persistence/interval-aggregate.repository';
import type { TenantKpiSettings } from '../kpi-settings/tenant-kpi-settings';

export interface StaffingPlanQuery extends Omit<StaffingPlanInput, 'date' | 'timeZone'> {
  /** Any instant of the day to plan, a local day of the tenant's zone. */
  readonly dayMs: number;
  readonly queueIds: readonly string[];
}

/** Per-interval staffing for a local day of the tenant's zone from its own history (interval aggregates). */
export class StaffingPlanUseCase {
  private readonly aggregates = new IntervalAggregateRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: TenantKpiSettings,
  ) {}

  async execute(tenantId: string, query: StaffingPlanQuery): Promise<PlannedInterval[]> {
    requireStaffingInput(Number.isInteger(query.weeks) && query.weeks >= 1 && query.weeks <= 12, `weeks must be an integer in 1-12, got ${query.weeks}`);
    const { input, rows } = await withTenantTransaction(this.dataSource, async (manager) => {
      const { timeZone } = await this.settings.settingsFor(manager, tenantId);
      const input: StaffingPlanInput = { ...query, date: localDateOf(query.dayMs, timeZone), timeZone };
      const { fromMs, toMs } = historyRange(input);
      const rows = await this.aggregates.sum(manager, tenantId, { fromMs, toMs, bounds: null, groupBy: 'tenant', queueIds: query.queueIds, agentIds: [], channels: [] });
      return { input, rows };
    });
    const history = rows.map((row) => ({
      intervalStartMs: row.bucketStartMs,
      // Offered as the default counts it: short abandons are no workload.
      offered: row.counters.offered - row.counters.shortAbandoned,
      handled: row.counters.handled,
      handleMs: row.counters.talkMs + row.counters.holdMs + row.counters.acwMs,
    }));
    return staffingPlan(history, input);
  }
}
