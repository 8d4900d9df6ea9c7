/** Reads one setting from its raw env value; throws an Error whose message names the problem. */
export type Reader<T> = (raw: string | undefined, name: string) => T;

/** `field: [ENV_SUFFIX, reader]` for every setting of a service. */
export type Settings = Record<string, readonly [string, Reader<unknown>]>;

export type ConfigOf<S extends Settings> = { -readonly [K in keyof S]: ReturnType<S[K][1]> };

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly service: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${service} configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const text =
  (fallback?: string): Reader<string> =>
  (raw, name) => {
    if (raw === undefined || raw.trim() === '') {
      if (fallback === undefined) throw new Error(`${name} is required`);
      return fallback;
    }
    return raw.trim();
  };

export const integer =
  (fallback: number, min: number, max: number): Reader<number> =>
  (raw, name) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`${name}=${raw} must be an integer in [${min}, ${max}]`);
    return value;
  };

export const oneOf =
  <T extends string>(values: readonly T[], fallback: T): Reader<T> =>
  (raw, name) => {
    if (raw === undefined) return fallback;
    if (!values.includes(raw as T)) throw new Error(`${name}=${raw} must be one of ${values.join(', ')}`);
    return raw as T;
  };

export const port =
  (fallback: number): Reader<number> =>
  (raw, name) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 1 || value > 65535) throw new Error(`${name}=${raw} is not a TCP port (1-65535)`);
    return value;
  };

/** `true` or `false`. */
export const flag = (fallback: boolean): Reader<boolean> => {
  const read = oneOf(['true', 'false'], fallback ? 'true' : 'false');
  return (raw, name) => read(raw, name) === 'true';
};

/** A comma-separated list, e.g. Kafka brokers. */
export const list =
  (fallback: string): Reader<string[]> =>
  (raw, name) =>
    text(fallback)(raw, name)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);

/** A secret that must be set and long enough to resist guessing. */
export const secret =
  (minLength = 32): Reader<string> =>
  (raw, name) => {
    if (raw === undefined || raw.length < minLength) throw new Error(`${name} is required and must have at least ${minLength} characters`);
    return raw;
  };

/** Every env var name a service reads (the chart's values list the same keys). */
export function envVarNames(prefix: string, settings: Settings): string[] {
  return Object.values(settings).map(([suffix]) => prefix + suffix);
}

/**
 * Reads and validates a service's whole config at once and lists every problem together;
 * an unknown name with the service's prefix is a typo, not something to ignore.
 * `crossCheck` sees the settings that read cleanly and returns problems between them.
 */
export function readEnvConfig<S extends Settings>(
  service: string,
  prefix: string,
  settings: S,
  env: NodeJS.ProcessEnv,
  crossCheck: (values: Partial<ConfigOf<S>>) => string[] = () => [],
): ConfigOf<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, [suffix, read]] of Object.entries(settings)) {
    try {
      values[key] = read(env[prefix + suffix], prefix + suffix);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const known = envVarNames(prefix, settings);
  for (const name of Object.keys(env)) {
    if (name.startsWith(prefix) && !known.includes(name)) problems.push(`${name} is not a known setting (known: ${known.join(', ')})`);
  }
  problems.push(...crossCheck(values as Partial<ConfigOf<S>>));
  if (problems.length > 0) throw new ConfigError(service, problems);
  return values as ConfigOf<S>;
}

/** What SERVICE_SETTINGS reads; a service's config interface extends it. */
export interface ServiceConfig {
  /** The service's database as the service role (cc_app). */
  readonly databaseUrl: string;
  /** The same database as its owner (cc_owner), for migrations at start-up. */
  readonly migrationDatabaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly grpcUrl: string;
  readonly httpPort: number;
  readonly oidcIssuer: string;
  readonly oidcAudience: string;
}

/**
 * The settings every service reads alike: its database (as the app role and as the migration
 * owner), Kafka, its gRPC and HTTP listeners and the token issuer. A service spreads them into
 * its own settings, adding what is its own (an outbox relay's database, a consumer group).
 */
export const SERVICE_SETTINGS = {
  databaseUrl: ['DATABASE_URL', text()],
  migrationDatabaseUrl: ['MIGRATION_DATABASE_URL', text()],
  kafkaBrokers: ['KAFKA_BROKERS', list('127.0.0.1:9092')],
  grpcUrl: ['GRPC_URL', text('0.0.0.0:50051')],
  httpPort: ['HTTP_PORT', port(8080)],
  oidcIssuer: ['OIDC_ISSUER', text()],
  oidcAudience: ['OIDC_AUDIENCE', text('contact-center-api')],
} as const satisfies Settings;
