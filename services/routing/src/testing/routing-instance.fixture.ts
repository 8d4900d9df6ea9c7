import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RoutingInstanceEnv {
  readonly dbUrl: string;
  readonly relayDbUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly group: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly grpcUrl: string;
  readonly instanceId: string;
  readonly snapshotEvery?: number;
  /** Catalog topic → topic of its own (KafkaEventBusOptions.topicNames), so a run leaves the shared topics alone. */
  readonly topicNames?: Readonly<Record<string, string>>;
  /** Partitions of the topics the instance creates (with topicNames). */
  readonly partitions?: number;
}

export interface RoutingInstance {
  readonly process: ChildProcess;
  readonly grpcUrl: string;
  /** The workspaces the instance last reported holding. */
  loaded(): readonly string[];
  ready(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const repoRoot = join(__dirname, '..', '..', '..', '..');

/** Starts routing-instance.process.ts in its own Node process (with the repo's aliases). */
export function spawnRoutingInstance(options: RoutingInstanceEnv): RoutingInstance {
  // CC_ROUTING_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the instance.
  const nodeArgs = (process.env.CC_ROUTING_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', join(__dirname, 'routing-instance.process.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      CC_DB_URL: options.dbUrl,
      CC_RELAY_DB_URL: options.relayDbUrl,
      CC_KAFKA_BROKERS: options.kafkaBrokers.join(','),
      CC_GROUP: options.group,
      CC_ISSUER: options.issuer,
      CC_JWKS_URI: options.jwksUri,
      CC_GRPC_URL: options.grpcUrl,
      CC_INSTANCE_ID: options.instanceId,
      CC_SNAPSHOT_EVERY: String(options.snapshotEvery ?? 20),
      CC_TOPIC_NAMES: JSON.stringify(options.topicNames ?? {}),
      ...(options.partitions !== undefined && { CC_PARTITIONS: String(options.partitions) }),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let loaded: readonly string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"fixture":"routing"')) return;
      const report = JSON.parse(line) as { ready?: boolean; loaded?: string[] };
      if (report.ready) resolve();
      if (report.loaded) loaded = report.loaded;
    });
    child.once('exit', (code, signal) => reject(new Error(`routing instance ${options.instanceId} exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  return {
    process: child,
    grpcUrl: options.grpcUrl,
    loaded: () => loaded,
    ready: (timeoutMs = 60_000) =>
      Promise.race([
        ready,
        new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`routing instance ${options.instanceId} not ready in ${timeoutMs} ms: ${stderr}`)), timeoutMs).unref()),
      ]),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
