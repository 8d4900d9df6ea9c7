import type { CountryCode } from 'libphonenumber-js';
import { isCountryCode } from './domain/customer-identity';

/** Settings of the standalone history service; every one comes from an env var prefixed `HISTORY_`. */
export interface HistoryConfig {
  /** The history database as the service role (cc_app). */
  readonly databaseUrl: string;
  /** The same database as its owner (cc_owner), for migrations at start-up. */
  readonly migrationDatabaseUrl: string;
  /** The same database as the relay role (cc_relay), which publishes the outbox. */
  readonly relayDatabaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly consumerGroup: string;
  readonly grpcUrl: string;
  readonly httpPort: number;
  readonly oidcIssuer: string;
  readonly oidcAudience: string;
  /** Signs page tokens; every instance needs the same one. */
  readonly cursorSecret: string;
  readonly defaultPhoneRegion?: CountryCode;
}

export class HistoryConfigError extends Error {
  readonly code = 'HISTORY_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid interaction-history configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'HistoryConfigError';
  }
}

const PREFIX = 'HISTORY_';

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
const secret: Reader<string> = (raw, name) => {
  if (raw === undefined || raw.length < 32) throw new Error(`${name} is required and must have at least 32 characters`);
  return raw;
};
const region: Reader<CountryCode | undefined> = (raw, name) => {
  if (raw === undefined || raw === '') return undefined;
  if (!isCountryCode(raw)) throw new Error(`${name}=${raw} must be an ISO 3166-1 alpha-2 region, e.g. TH`);
  return raw;
};

const settings = {
  databaseUrl: ['DATABASE_URL', text()],
  migrationDatabaseUrl: ['MIGRATION_DATABASE_URL', text()],
  relayDatabaseUrl: ['RELAY_DATABASE_URL', text()],
  kafkaBrokers: ['KAFKA_BROKERS', text('127.0.0.1:9092')],
  consumerGroup: ['CONSUMER_GROUP', text('interaction-history')],
  grpcUrl: ['GRPC_URL', text('0.0.0.0:50051')],
  httpPort: ['HTTP_PORT', integer(8080, 1, 65535)],
  oidcIssuer: ['OIDC_ISSUER', text()],
  oidcAudience: ['OIDC_AUDIENCE', text('contact-center-api')],
  cursorSecret: ['CURSOR_SECRET', secret],
  defaultPhoneRegion: ['DEFAULT_PHONE_REGION', region],
} as const satisfies Record<string, readonly [string, Reader<unknown>]>;

export const HISTORY_ENV_VARS = Object.values(settings).map(([suffix]) => PREFIX + suffix);

/** Reads and validates everything at once, listing every problem; unknown `HISTORY_*` names are typos. */
export function loadHistoryConfig(env: NodeJS.ProcessEnv = process.env): HistoryConfig {
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
    if (name.startsWith(PREFIX) && !HISTORY_ENV_VARS.includes(name)) problems.push(`${name} is not a known setting`);
  }
  if (problems.length > 0) throw new HistoryConfigError(problems);
  return {
    ...(values as Omit<HistoryConfig, 'kafkaBrokers'>),
    kafkaBrokers: (values.kafkaBrokers as string).split(',').map((broker) => broker.trim()).filter(Boolean),
  };
}
