import path from 'node:path';
import { envVarNames, port, readEnvConfig, text, type Settings } from '@contactcenter/config';

export { ConfigError } from '@contactcenter/config';

/** Settings of the all-in-one host; every one comes from an env var prefixed `CC_AIO_`. */
export interface AllInOneConfig {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly idpPort: number;
  readonly pgPort: number;
  /** SIP over UDP and TCP, for the telephony gateway. */
  readonly sipPort: number;
  /** Where HTTP, gRPC and SIP listen. */
  readonly bindHost: string;
  /** Absolute; Postgres lives in `<dataDir>/postgres`. */
  readonly dataDir: string;
}

const PREFIX = 'CC_AIO_';

/** One entry per setting: its env var suffix and how to read it. */
const settings = {
  httpPort: ['HTTP_PORT', port(8080)],
  grpcPort: ['GRPC_PORT', port(50051)],
  idpPort: ['IDP_PORT', port(18081)],
  pgPort: ['PG_PORT', port(54329)],
  sipPort: ['SIP_PORT', port(5060)],
  bindHost: ['BIND_HOST', text('127.0.0.1')],
  dataDir: ['DATA_DIR', text('.data')],
} as const satisfies Settings;

/** The env var names the host understands, for docs and error messages. */
export const CONFIG_ENV_VARS = envVarNames(PREFIX, settings);

/**
 * Reads and validates the whole configuration at once, so start-up fails with every problem
 * listed rather than the first one. An unknown `CC_AIO_*` variable is an error too: it is
 * almost always a typo that would otherwise silently fall back to a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AllInOneConfig {
  const config = readEnvConfig('all-in-one', PREFIX, settings, env, (values) => {
    const ports = (['httpPort', 'grpcPort', 'idpPort', 'pgPort', 'sipPort'] as const).filter((key) => values[key] !== undefined);
    return ports.flatMap((a, i) =>
      ports.slice(i + 1).flatMap((b) => (values[a] === values[b] ? [`${PREFIX}${settings[a][0]} and ${PREFIX}${settings[b][0]} are both ${values[a]}`] : [])),
    );
  });
  return { ...config, dataDir: path.resolve(cwd, config.dataDir) };
}
