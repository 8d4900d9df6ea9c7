import type { EntityManager } from 'typeorm';
import { IntervalKpiAccumulator } from '../../domain/kpi/interval-kpis.accumulator';
import { kpiSettings, type KpiSettings } from '../../domain/kpi/kpi-settings';
import { KpiSettingsRepository } from '../../persistence/kpi-settings.repository';

/**
 * A tenant's effective KPI settings: the service's defaults (REPORTING_* env) with the tenant's
 * own overrides, read through a short cache (ingestion asks once per batch). A change made
 * through this instance applies at once, one made through another within `cacheMs`.
 */
export class TenantKpiSettings {
  private readonly repository = new KpiSettingsRepository();
  private readonly accumulators = new Map<string, IntervalKpiAccumulator>();
  private readonly cached = new Map<string, { settings: KpiSettings; readAt: number }>();

  constructor(
    readonly defaults: KpiSettings,
    private readonly cacheMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async settingsFor(manager: EntityManager, tenantId: string): Promise<KpiSettings> {
    const hit = this.cached.get(tenantId);
    if (hit && this.now() - hit.readAt < this.cacheMs) return hit.settings;
    const settings = kpiSettings({ ...this.defaults, ...(await this.repository.load(manager, tenantId)) });
    if (this.cached.size > 10_000) this.cached.clear();
    this.cached.set(tenantId, { settings, readAt: this.now() });
    return settings;
  }

  /** Stores a tenant's overrides and makes them effective here at once. */
  async replace(manager: EntityManager, tenantId: string, overrides: Partial<KpiSettings>): Promise<KpiSettings> {
    const settings = kpiSettings({ ...this.defaults, ...overrides });
    await this.repository.save(manager, tenantId, overrides);
    this.cached.delete(tenantId);
    return settings;
  }

  /** One accumulator per distinct settings, reused across batches. */
  accumulatorFor(settings: KpiSettings): IntervalKpiAccumulator {
    const key = JSON.stringify(settings);
    let accumulator = this.accumulators.get(key);
    if (!accumulator) {
      if (this.accumulators.size > 1_000) this.accumulators.clear();
      accumulator = new IntervalKpiAccumulator(settings);
      this.accumulators.set(key, accumulator);
    }
    return accumulator;
  }
}
