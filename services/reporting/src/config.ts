import { kpiSettings, type KpiSettings, SERVICE_LEVEL_VARIANTS, type ServiceLevelVariant } from './domain/kpi/kpi-settings';

/** Settings of the standalone reporting service; every one comes from an env var prefixed `REPORTING_`. */
export interface ReportingConfig {
  /** The reporting database as the service role (cc_app). */
  readonly databaseUrl: string;
  /** The same database as its owner (cc_owner), for migrations at start-up. */
  readonly migrationDatabaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly consumerGroup: string;
  readonly grpcUrl: string;
  readonly httpPort: number;
  readonly oidcIssuer: string;
  readonly oidcAudience: string;
  /** Defaults for every tenant until per-tenant settings exist. */
  readonly kpiSettings: KpiSettings;
}

export class ReportingConfigError extends Error {
  readonly code = 'REPORTING_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid reporting configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ReportingConfigError';
  }
}

const PREFIX = 'REPORTING_';

type Reader<T> = (raw: string | undefined, name: string) => T;

const text = (fallback?: string): Reader<string> => (raw, name) => {
  if (raw === undefined || raw.trim() === '') {
    if (fallback === undefined) throw new Error(`${name} is required`);
    return fallback;
  }
  return raw.trim();
};
const integer = (fallback: number, min: number, max: number): Reader<number> => (raw, name) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`${name}=${raw} must be an integer in [${min}, ${max}]`);
  return value;
};
const variant: Reader<ServiceLevelVariant> = (raw, name) => {
  if (raw === undefined) return 'abandons-count-against';
  if (!SERVICE_LEVEL_VARIANTS.includes(raw as ServiceLevelVariant)) throw new Error(`${name}=${raw} must be one of ${SERVICE_LEVEL_VARIANTS.join(', ')}`);
  return raw as ServiceLevelVariant;
};

const settings = {
  databaseUrl: ['DATABASE_URL', text()],
  migrationDatabaseUrl: ['MIGRATION_DATABASE_URL', text()],
  kafkaBrokers: ['KAFKA_BROKERS', text('127.0.0.1:9092')],
  consumerGroup: ['CONSUMER_GROUP', text('reporting')],
  grpcUrl: ['GRPC_URL', text('0.0.0.0:50051')],
  httpPort: ['HTTP_PORT', integer(8080, 1, 65535)],
  oidcIssuer: ['OIDC_ISSUER', text()],
  oidcAudience: ['OIDC_AUDIENCE', text('contact-center-api')],
  serviceLevelVariant: ['SERVICE_LEVEL_VARIANT', variant],
  serviceLevelThresholdMs: ['SERVICE_LEVEL_THRESHOLD_MS', integer(20_000, 0, 86_400_000)],
  shortAbandonThresholdMs: ['SHORT_ABANDON_THRESHOLD_MS', integer(5_000, 0, 3_600_000)],
} as const satisfies Record<string, readonly [string, Reader<unknown>]>;

export const REPORTING_ENV_VARS = Object.values(settings).map(([suffix]) => PREFIX + suffix);

/** Reads and validates everything at once, listing every problem; unknown `REPORTING_*` names are typos. */
export function loadReportingConfig(env: NodeJS.ProcessEnv = process.env): ReportingConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, [suffix, read]] of Object.entries(settings)) {
    try {
      values[key] = (read as Reader<unknown>)(env[PREFIX + suffix], PREFIX + suffix);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith(PREFIX) && !REPORTING_ENV_VARS.includes(name)) problems.push(`${name} is not a known setting`);
  }
  if (problems.length > 0) throw new ReportingConfigError(problems);
  return {
    databaseUrl: values.databaseUrl as string,
    migrationDatabaseUrl: values.migrationDatabaseUrl as string,
    kafkaBrokers: (values.kafkaBrokers as string).split(',').map((broker) => broker.trim()).filter(Boolean),
    consumerGroup: values.consumerGroup as string,
    grpcUrl: values.grpcUrl as string,
    httpPort: values.httpPort as number,
    oidcIssuer: values.oidcIssuer as string,
    oidcAudience: values.oidcAudience as string,
    kpiSettings: kpiSettings({
      serviceLevelVariant: values.serviceLevelVariant as ServiceLevelVariant,
      serviceLevelThresholdMs: values.serviceLevelThresholdMs as number,
      shortAbandonThresholdMs: values.shortAbandonThresholdMs as number,
    }),
  };
}
