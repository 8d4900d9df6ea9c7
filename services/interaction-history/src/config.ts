import { envVarNames, integer, readEnvConfig, SERVICE_SETTINGS, type ServiceConfig, secret, text, type Reader, type Settings } from '@contactcenter/config';
import type { CountryCode } from 'libphonenumber-js';
import { isCountryCode } from './domain/customer-identity';

/** Settings of the standalone history service; every one comes from an env var prefixed `HISTORY_`. */
export interface HistoryConfig extends ServiceConfig {
  /** The same database as the relay role (cc_relay), which publishes the outbox. */
  readonly relayDatabaseUrl: string;
  readonly consumerGroup: string;
  /** Signs page tokens; every instance needs the same one. */
  readonly cursorSecret: string;
  readonly defaultPhoneRegion?: CountryCode;
  /** How far apart two interactions of a customer in one queue may be to fall into one case. */
  readonly caseWindowHours: number;
}

const PREFIX = 'HISTORY_';

const region: Reader<CountryCode | undefined> = (raw, name) => {
  if (raw === undefined || raw === '') return undefined;
  if (!isCountryCode(raw)) throw new Error(`${name}=${raw} must be an ISO 3166-1 alpha-2 region, e.g. TH`);
  return raw;
};

const settings = {
  ...SERVICE_SETTINGS,
  relayDatabaseUrl: ['RELAY_DATABASE_URL', text()],
  consumerGroup: ['CONSUMER_GROUP', text('interaction-history')],
  cursorSecret: ['CURSOR_SECRET', secret(32)],
  defaultPhoneRegion: ['DEFAULT_PHONE_REGION', region],
  caseWindowHours: ['CASE_WINDOW_HOURS', integer(72, 1, 8760)],
} as const satisfies Settings;

export const HISTORY_ENV_VARS = envVarNames(PREFIX, settings);

/** Reads and validates everything at once (a ConfigError lists every problem). */
export function loadHistoryConfig(env: NodeJS.ProcessEnv = process.env): HistoryConfig {
  return readEnvConfig('interaction-history', PREFIX, settings, env);
}
