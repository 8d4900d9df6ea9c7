import { envVarNames, integer, readEnvConfig, SERVICE_SETTINGS, type ServiceConfig, text, type Settings } from '@contactcenter/config';

/** Settings of the standalone routing service; every one comes from an env var prefixed `ROUTING_`. */
export interface RoutingConfig extends ServiceConfig {
  /** The same database as the relay role (cc_relay), which publishes the outbox. */
  readonly relayDatabaseUrl: string;
  /** One group for every routing instance: its partition assignment decides who routes which workspace. */
  readonly consumerGroup: string;
  /** Journal entries between snapshots: the most a rebuild replays. */
  readonly snapshotEvery: number;
  /** How long a requested preferred agent has a contact to itself. */
  readonly preferredAgentWindowMs: number;
}

const PREFIX = 'ROUTING_';

const settings = {
  ...SERVICE_SETTINGS,
  relayDatabaseUrl: ['RELAY_DATABASE_URL', text()],
  consumerGroup: ['CONSUMER_GROUP', text('routing')],
  snapshotEvery: ['SNAPSHOT_EVERY', integer(100, 1, 1_000_000)],
  preferredAgentWindowMs: ['PREFERRED_AGENT_WINDOW_MS', integer(30_000, 1, 86_400_000)],
} as const satisfies Settings;

export const ROUTING_ENV_VARS = envVarNames(PREFIX, settings);

/** Reads and validates everything at once (a ConfigError lists every problem). */
export function loadRoutingConfig(env: NodeJS.ProcessEnv = process.env): RoutingConfig {
  return readEnvConfig('routing', PREFIX, settings, env);
}
