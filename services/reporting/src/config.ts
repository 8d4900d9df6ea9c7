import { envVarNames, integer, oneOf, readEnvConfig, SERVICE_SETTINGS, type ServiceConfig, text, type Settings } from '@contactcenter/config';
import { kpiSettings, type KpiSettings, SERVICE_LEVEL_VARIANTS, type ServiceLevelVariant } from './domain/kpi/kpi-settings';

/** Settings of the standalone reporting service; every one comes from an env var prefixed `REPORTING_`. */
export interface ReportingConfig extends ServiceConfig {
  readonly consumerGroup: string;
  /** Defaults for every tenant until per-tenant settings exist. */
  readonly kpiSettings: KpiSettings;
}

const PREFIX = 'REPORTING_';

const settings = {
  ...SERVICE_SETTINGS,
  consumerGroup: ['CONSUMER_GROUP', text('reporting')],
  serviceLevelVariant: ['SERVICE_LEVEL_VARIANT', oneOf<ServiceLevelVariant>(SERVICE_LEVEL_VARIANTS, 'abandons-count-against')],
  serviceLevelThresholdMs: ['SERVICE_LEVEL_THRESHOLD_MS', integer(20_000, 0, 86_400_000)],
  shortAbandonThresholdMs: ['SHORT_ABANDON_THRESHOLD_MS', integer(5_000, 0, 3_600_000)],
} as const satisfies Settings;

export const REPORTING_ENV_VARS = envVarNames(PREFIX, settings);

/** Reads and validates everything at once (a ConfigError lists every problem). */
export function loadReportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  const { serviceLevelVariant, serviceLevelThresholdMs, shortAbandonThresholdMs, ...rest } = readEnvConfig('reporting', PREFIX, settings, env);
  return { ...rest, kpiSettings: kpiSettings({ serviceLevelVariant, serviceLevelThresholdMs, shortAbandonThresholdMs }) };
}
