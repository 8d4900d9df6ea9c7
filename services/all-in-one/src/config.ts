import path from 'node:path';

/** Settings of the all-in-one host; every one comes from an env var prefixed `CC_AIO_`. */
export interface AllInOneConfig {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly idpPort: number;
  readonly pgPort: number;
  /** Where HTTP and gRPC listen. */
  readonly bindHost: string;
  /** Absolute; Postgres lives in `<dataDir>/postgres`. */
  readonly dataDir: string;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid all-in-one configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PREFIX = 'CC_AIO_';

const port = (fallback: number) => (raw: string | undefined, name: string) => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65535) throw new Error(`${name}=${raw} is not a TCP port (1-65535)`);
  return value;
};

const text = (fallback: string) => (raw: string | undefined, name: string) => {
  if (raw === undefined) return fallback;
  if (raw.trim() === '') throw new Error(`${name} is set but empty`);
  return raw.trim();
};

/** One entry per setting: its env var suffix and how to read it. */
const settings = {
  httpPort: ['HTTP_PORT', port(8080)],
  grpcPort: ['GRPC_PORT', port(50051)],
  idpPort: ['IDP_PORT', port(18081)],
  pgPort: ['PG_PORT', port(54329)],
  bindHost: ['BIND_HOST', text('127.0.0.1')],
  dataDir: ['DATA_DIR', text('.data')],
} as const;

/** The env var names the host understands, for docs and error messages. */
export const CONFIG_ENV_VARS = Object.values(settings).map(([suffix]) => PREFIX + suffix);

/**
 * Reads and validates the whole configuration at once, so start-up fails with every problem
 * listed rather than the first one. An unknown `CC_AIO_*` variable is an error too: it is
 * almost always a typo that would otherwise silently fall back to a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AllInOneConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, [suffix, read]] of Object.entries(settings)) {
    const name = PREFIX + suffix;
    try {
      values[key] = (read as (raw: string | undefined, name: string) => unknown)(env[name], name);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith(PREFIX) && !CONFIG_ENV_VARS.includes(name)) {
      problems.push(`${name} is not a known setting (known: ${CONFIG_ENV_VARS.join(', ')})`);
    }
  }
  const ports = (['httpPort', 'grpcPort', 'idpPort', 'pgPort'] as const).filter((key) => typeof values[key] === 'number');
  for (const [i, a] of ports.entries()) {
    for (const b of ports.slice(i + 1)) {
      if (values[a] === values[b]) problems.push(`${PREFIX}${settings[a][0]} and ${PREFIX}${settings[b][0]} are both ${values[a]}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = values as unknown as AllInOneConfig;
  return { ...config, dataDir: path.resolve(cwd, config.dataDir) };
}
