'use strict';
// Local real stack for integration tests and the distributed demo: Apache Kafka (KRaft),
// Keycloak and PostgreSQL run as plain processes because no container engine is available.
// Usage: node deploy/local/stack.js up|down|status
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.resolve(process.env.CC_STACK_DIR || path.join(ROOT, '.cache', 'stack'));
const ENDPOINTS_FILE = path.join(CACHE, 'endpoints.json');
const LOCK_FILE = path.join(CACHE, 'stack.lock');
const KAFKA_POM = path.join(__dirname, 'kafka', 'pom.xml');
const REALM_FILE = path.join(ROOT, 'deploy', 'keycloak', 'contact-center-realm.json');

const KEYCLOAK_VERSION = '26.4.5';
const GREENMAIL_VERSION = '2.1.13';
const REALM = 'contact-center';
const HEALTH_TOPIC = 'cc.stack.healthcheck';
// Any demo user proves that password grants work end to end (realm, users, user profile).
const PROBE_USER = { username: 'acme-agent', password: 'demo', clientId: 'contact-center-cli' };

const env = process.env;
const intEnv = (name, fallback) => {
  const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a port number, got "${env[name]}"`);
  return value;
};
const config = {
  kafkaPort: intEnv('CC_KAFKA_PORT', 19092),
  kafkaControllerPort: intEnv('CC_KAFKA_CONTROLLER_PORT', 19093),
  keycloakPort: intEnv('CC_KEYCLOAK_PORT', 18080),
  keycloakMgmtPort: intEnv('CC_KEYCLOAK_MGMT_PORT', 19000),
  mailSmtpPort: intEnv('CC_MAIL_SMTP_PORT', 13025),
  mailImapPort: intEnv('CC_MAIL_IMAP_PORT', 13143),
  mailApiPort: intEnv('CC_MAIL_API_PORT', 13080),
  pgUrl: env.CC_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
};

const dirs = {
  downloads: path.join(CACHE, 'downloads'),
  kafka: path.join(CACHE, 'kafka'),
  keycloak: path.join(CACHE, 'keycloak'),
  postgres: path.join(CACHE, 'postgres'),
  greenmail: path.join(CACHE, 'greenmail'),
};

// ---------------------------------------------------------------------------------------
// small process and file helpers

const log = (msg) => console.log(`[stack] ${msg}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;

function mkdirp(dir) {
  fs.mkdirSync(dir, { recursive: true });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function writeJson(file, value) {
  mkdirp(path.dirname(file));
  // Write-then-rename so pollers never read a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// quiet: keep the tool's chatter (Maven's colour codes, StorageTool's banner) unless it fails.
function run(cmd, args, { quiet = false, ...options } = {}) {
  const result = spawnSync(cmd, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${cmd} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}${output}`);
  }
  return result;
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function portInUse(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

// A managed process: detached (its own process group, so it outlives this script and can be
// stopped with all its children), stdout/stderr to a log file, state in process.json.
class ManagedProcess {
  constructor(name, dir) {
    this.name = name;
    this.stateFile = path.join(dir, 'process.json');
    this.pidFile = path.join(dir, `${name}.pid`);
    this.logFile = path.join(dir, `${name}.out`);
  }

  state() {
    const state = readJson(this.stateFile);
    return state && isAlive(state.pid) ? state : null;
  }

  start(cmd, args, { cwd, extraEnv, fingerprint }) {
    mkdirp(path.dirname(this.logFile));
    const out = fs.openSync(this.logFile, 'a');
    fs.writeSync(out, `\n==== ${new Date().toISOString()} starting ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, {
      cwd,
      env: { ...env, ...extraEnv },
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    child.unref();
    fs.writeFileSync(this.pidFile, `${child.pid}\n`);
    writeJson(this.stateFile, { pid: child.pid, fingerprint, startedAt: new Date().toISOString() });
    return child.pid;
  }

  async stop(graceMs = 30000) {
    const state = readJson(this.stateFile);
    if (state && isAlive(state.pid)) {
      const started = Date.now();
      signalGroup(state.pid, 'SIGTERM');
      while (isAlive(state.pid) && Date.now() - started < graceMs) await sleep(200);
      if (isAlive(state.pid)) {
        log(`${this.name} did not stop within ${graceMs / 1000}s, killing it`);
        signalGroup(state.pid, 'SIGKILL');
        while (isAlive(state.pid)) await sleep(100);
      }
      log(`${this.name} stopped (${seconds(started)})`);
    }
    fs.rmSync(this.stateFile, { force: true });
    fs.rmSync(this.pidFile, { force: true });
  }

  // Polls probe() until it returns true; fails early with the log tail if the process died.
  async waitReady(probe, timeoutMs) {
    const started = Date.now();
    for (;;) {
      if (await probe()) return;
      const state = readJson(this.stateFile);
      if (state && !isAlive(state.pid)) {
        throw new Error(`${this.name} exited during startup; last log lines of ${this.logFile}:\n${tail(this.logFile)}`);
      }
      if (Date.now() - started > timeoutMs) {
        throw new Error(`${this.name} not ready after ${timeoutMs / 1000}s; see ${this.logFile}:\n${tail(this.logFile)}`);
      }
      await sleep(1000);
    }
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------
// lock: one up/down at a time, also across concurrent `npm run stack:up` from parallel runs

async function withLock(fn) {
  mkdirp(CACHE);
  const deadline = Date.now() + 20 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      const fd = fs.openSync(LOCK_FILE, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (removeStaleLock()) continue;
    if (!announced) {
      log(`another stack command holds ${LOCK_FILE}; waiting for it`);
      announced = true;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_FILE}`);
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    const holder = Number.parseInt(readText(LOCK_FILE), 10);
    if (holder === process.pid) fs.rmSync(LOCK_FILE, { force: true });
  }
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// The lock is stale when its holder died (or never wrote its pid and the file is old).
// Re-checking inode and content right before unlinking keeps us from deleting a lock that
// a third process took in the meantime.
function removeStaleLock() {
  let stat;
  try {
    stat = fs.statSync(LOCK_FILE);
  } catch {
    return true;
  }
  const content = readText(LOCK_FILE);
  const holder = Number.parseInt(content, 10);
  const stale = Number.isInteger(holder) ? !isAlive(holder) : Date.now() - stat.mtimeMs > 10000;
  if (!stale) return false;
  try {
    const again = fs.statSync(LOCK_FILE);
    if (again.ino !== stat.ino || readText(LOCK_FILE) !== content) return false;
    fs.unlinkSync(LOCK_FILE);
    log(`removed stale lock of process ${content.trim() || '(unknown)'}`);
  } catch {
    // someone else removed it first
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

const pgState = { managedFile: path.join(dirs.postgres, 'managed.json'), dataDir: path.join(dirs.postgres, 'data') };

async function pgAnswers(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function pgBinDir() {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

function asPostgres(cmd, args, options = { quiet: true }) {
  // initdb and postgres refuse to run as root.
  const isRoot = process.getuid && process.getuid() === 0;
  return isRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], options) : run(cmd, args, options);
}

function managedPgUrl(port) {
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

async function pgUp() {
  const managed = readJson(pgState.managedFile);
  if (await pgAnswers(config.pgUrl)) {
    const ours = managed && managed.url === config.pgUrl ? ' (started by this script)' : '';
    log(`postgres answers at ${config.pgUrl}${ours}`);
    return { url: config.pgUrl };
  }
  const parsed = new URL(config.pgUrl);
  if (!['127.0.0.1', 'localhost'].includes(parsed.hostname)) {
    throw new Error(`PostgreSQL at ${config.pgUrl} does not answer and is not local, so it cannot be started here`);
  }
  const port = intEnv('CC_PG_PORT', Number(parsed.port) || 5432);
  if (managed && managed.url === managedPgUrl(port) && (await pgAnswers(managed.url))) {
    log(`postgres already running (started by this script) at ${managed.url}`);
    return { url: managed.url };
  }
  // Ours but on another port or broken: stop it before starting on the configured port.
  if (managed) await pgDown();
  const bin = pgBinDir();
  if (!bin) {
    throw new Error(
      `PostgreSQL at ${config.pgUrl} does not answer and no server binaries were found under /usr/lib/postgresql. ` +
        'Install them (Debian: apt-get install postgresql) or point CC_PG_URL at a running server.',
    );
  }
  const started = Date.now();
  mkdirp(dirs.postgres);
  const isRoot = process.getuid && process.getuid() === 0;
  if (!fs.existsSync(path.join(pgState.dataDir, 'PG_VERSION'))) {
    log(`initialising a PostgreSQL cluster in ${pgState.dataDir}`);
    mkdirp(pgState.dataDir);
    if (isRoot) run('chown', ['-R', 'postgres:postgres', dirs.postgres]);
    asPostgres(path.join(bin, 'initdb'), ['-D', pgState.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8']);
  }
  const logFile = path.join(dirs.postgres, 'postgres.log');
  if (isRoot) run('chown', ['postgres:postgres', dirs.postgres]);
  asPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    pgState.dataDir,
    '-l',
    logFile,
    '-w',
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300`,
    'start',
  ]);
  const url = managedPgUrl(port);
  writeJson(pgState.managedFile, { url, bin, port });
  if (!(await pgAnswers(url))) throw new Error(`PostgreSQL started but ${url} does not answer; see ${logFile}`);
  log(`postgres started at ${url} in ${seconds(started)}`);
  return { url };
}

async function pgDown() {
  const managed = readJson(pgState.managedFile);
  if (!managed) return;
  if (fs.existsSync(path.join(pgState.dataDir, 'postmaster.pid'))) {
    try {
      asPostgres(path.join(managed.bin, 'pg_ctl'), ['-D', pgState.dataDir, '-m', 'fast', '-w', 'stop']);
      log('postgres stopped');
    } catch (err) {
      // A crashed server leaves a stale postmaster.pid; pg_ctl start copes with that.
      log(`postgres was not running cleanly: ${err.message.split('\n')[0]}`);
    }
  }
  fs.rmSync(pgState.managedFile, { force: true });
}

async function pgStatus() {
  const managed = readJson(pgState.managedFile);
  const url = managed ? managed.url : config.pgUrl;
  return { name: 'postgres', endpoint: url, managed: Boolean(managed), healthy: await pgAnswers(url) };
}

// ---------------------------------------------------------------------------------------
// Kafka (KRaft, single node: broker and controller in one process)

const kafka = new ManagedProcess('kafka', dirs.kafka);
const kafkaLibs = path.join(dirs.kafka, 'libs');
const kafkaFingerprint = () => ({ port: config.kafkaPort, controllerPort: config.kafkaControllerPort });
const kafkaBrokers = () => [`127.0.0.1:${config.kafkaPort}`];

function javaBin() {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

function ensureKafkaLibs() {
  const complete = path.join(kafkaLibs, '.complete');
  if (fs.existsSync(complete) && readText(complete) === readText(KAFKA_POM)) return;
  log('fetching Kafka jars from Maven Central');
  fs.rmSync(kafkaLibs, { recursive: true, force: true });
  run('mvn', ['-q', '-B', '-f', KAFKA_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${kafkaLibs}`], {
    quiet: true,
  });
  // Remember which pom produced the jars so a version bump refreshes them.
  fs.writeFileSync(complete, readText(KAFKA_POM));
}

function writeKafkaConfig() {
  const dataDir = path.join(dirs.kafka, 'data');
  const logDir = path.join(dirs.kafka, 'logs');
  mkdirp(logDir);
  const { kafkaPort: port, kafkaControllerPort: controller } = config;
  const props = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    // Static voters rather than --standalone: the metadata log then does not pin the
    // controller endpoint, so a different CC_KAFKA_CONTROLLER_PORT needs no reformat.
    'controller.quorum.voters': `1@127.0.0.1:${controller}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    // Fast tests: no rebalance delay, single replicas, few internal partitions.
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 10,
    'num.partitions': 3,
    'default.replication.factor': 1,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    // Test topics pile up: keep their data short-lived and small.
    'log.retention.hours': 24,
    'log.segment.bytes': 16 * 1024 * 1024,
  };
  const serverProps = path.join(dirs.kafka, 'server.properties');
  fs.writeFileSync(
    serverProps,
    `${Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  const log4j = path.join(dirs.kafka, 'log4j.properties');
  fs.writeFileSync(
    log4j,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.RollingFileAppender',
      `log4j.appender.file.File=${path.join(logDir, 'server.log')}`,
      'log4j.appender.file.MaxFileSize=20MB',
      'log4j.appender.file.MaxBackupIndex=3',
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka.request.logger=WARN',
      'log4j.logger.org.apache.kafka.controller=INFO',
      'log4j.logger.state.change.logger=WARN',
      '',
    ].join('\n'),
  );
  return { serverProps, log4j, dataDir };
}

function formatKafkaStorage(serverProps, log4j, dataDir) {
  if (fs.existsSync(path.join(dataDir, 'meta.properties'))) return;
  // KRaft cluster ids are 16 random bytes in URL-safe base64 without padding.
  const clusterId = crypto.randomBytes(16).toString('base64url');
  log(`formatting Kafka storage (cluster ${clusterId})`);
  run(javaBin(), [
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    path.join(kafkaLibs, '*'),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    clusterId,
    '-c',
    serverProps,
  ], { quiet: true });
}

async function kafkaHealthy() {
  const { Kafka, logLevel } = require('kafkajs');
  const client = new Kafka({
    clientId: 'cc-stack-probe',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = client.admin();
  // kafkajs insists on retries for an idempotent producer; a few short ones keep the probe quick.
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 } });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: HEALTH_TOPIC, numPartitions: 1 }], waitForLeaders: true });
    if (!(await admin.listTopics()).includes(HEALTH_TOPIC)) return false;
    // A fresh broker answers metadata long before it can hand out producer ids or coordinate
    // groups (it still creates and loads __consumer_offsets); the first test suite would meet
    // those retries. Ready means both work.
    await producer.connect();
    await producer.send({ topic: HEALTH_TOPIC, acks: -1, messages: [{ value: 'ping' }] });
    await admin.setOffsets({ groupId: 'cc-stack-probe', topic: HEALTH_TOPIC, partitions: [{ partition: 0, offset: '0' }] });
    await admin.fetchOffsets({ groupId: 'cc-stack-probe', topics: [HEALTH_TOPIC] });
    return true;
  } catch {
    return false;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

async function kafkaUp() {
  const running = kafka.state();
  if (running && JSON.stringify(running.fingerprint) !== JSON.stringify(kafkaFingerprint())) {
    log('kafka runs with other ports than configured; restarting it');
    await kafka.stop();
  } else if (running) {
    await kafka.waitReady(kafkaHealthy, 120000);
    log(`kafka already running (pid ${running.pid})`);
    return;
  }
  if (await kafkaHealthy()) {
    log(`kafka answers at ${kafkaBrokers()[0]} (not started by this script)`);
    return;
  }
  if (await portInUse(config.kafkaPort)) {
    throw new Error(`port ${config.kafkaPort} is taken by something that is not a healthy Kafka; set CC_KAFKA_PORT`);
  }
  ensureKafkaLibs();
  const { serverProps, log4j, dataDir } = writeKafkaConfig();
  formatKafkaStorage(serverProps, log4j, dataDir);
  const started = Date.now();
  const pid = kafka.start(
    javaBin(),
    [
      '-Xms256m',
      '-Xmx512m',
      '-XX:+UseG1GC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${log4j}`,
      `-Dkafka.logs.dir=${path.join(dirs.kafka, 'logs')}`,
      '-cp',
      path.join(kafkaLibs, '*'),
      'kafka.Kafka',
      serverProps,
    ],
    { cwd: dirs.kafka, fingerprint: kafkaFingerprint() },
  );
  log(`kafka starting (pid ${pid}), log ${kafka.logFile}`);
  await kafka.waitReady(kafkaHealthy, 120000);
  log(`kafka ready at ${kafkaBrokers()[0]} in ${seconds(started)}`);
}

async function kafkaStatus() {
  const state = kafka.state();
  return { name: 'kafka', endpoint: kafkaBrokers()[0], pid: state && state.pid, healthy: await kafkaHealthy() };
}

// ---------------------------------------------------------------------------------------
// Keycloak (Quarkus distribution, dev mode with its file-based H2 database)

const keycloak = new ManagedProcess('keycloak', dirs.keycloak);
const keycloakHome = path.join(dirs.keycloak, `keycloak-${KEYCLOAK_VERSION}`);
const realmHashFile = path.join(dirs.keycloak, 'imported-realm.sha256');
const keycloakUrl = () => `http://127.0.0.1:${config.keycloakPort}`;
const issuer = () => `${keycloakUrl()}/realms/${REALM}`;
const keycloakFingerprint = () => ({ port: config.keycloakPort, mgmtPort: config.keycloakMgmtPort });

function ensureKeycloakDist() {
  if (fs.existsSync(path.join(keycloakHome, 'bin', 'kc.sh'))) return;
  const zipName = `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`;
  const zip = path.join(dirs.downloads, zipName);
  if (!fs.existsSync(zip)) {
    log(`fetching ${zipName} from Maven Central`);
    // The Kafka pom only gives Maven a project to run the dependency plugin in.
    run('mvn', [
      '-q',
      '-B',
      '-f',
      KAFKA_POM,
      'dependency:copy',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`,
      `-DoutputDirectory=${dirs.downloads}`,
    ], { quiet: true });
  }
  // Unpack next to the target and rename, so an interrupted unzip never looks complete.
  const staging = path.join(dirs.keycloak, `unpack-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  mkdirp(staging);
  log(`unpacking ${zipName}`);
  if (which('unzip')) run('unzip', ['-q', zip, '-d', staging]);
  else run('python3', ['-m', 'zipfile', '-e', zip, staging]);
  fs.renameSync(path.join(staging, `keycloak-${KEYCLOAK_VERSION}`), keycloakHome);
  fs.rmSync(staging, { recursive: true, force: true });
  const binDir = path.join(keycloakHome, 'bin');
  for (const file of fs.readdirSync(binDir).filter((f) => f.endsWith('.sh'))) {
    fs.chmodSync(path.join(binDir, file), 0o755);
  }
}

function realmHash() {
  return crypto.createHash('sha256').update(fs.readFileSync(REALM_FILE)).digest('hex');
}

async function fetchOk(url, init) {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
    return res.ok ? res : null;
  } catch {
    return null;
  }
}

async function keycloakHealthy() {
  const discovery = await fetchOk(`${issuer()}/.well-known/openid-configuration`);
  if (!discovery) return false;
  const { issuer: advertised } = await discovery.json();
  if (advertised !== issuer()) return false;
  const token = await fetchOk(`${issuer()}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: PROBE_USER.clientId,
      username: PROBE_USER.username,
      password: PROBE_USER.password,
    }),
  });
  return Boolean(token);
}

async function keycloakUp() {
  const hash = realmHash();
  const realmChanged = readText(realmHashFile).trim() !== hash;
  const running = keycloak.state();
  if (running && realmChanged) {
    log('realm file changed since the last import; restarting Keycloak with a fresh database');
    await keycloak.stop();
  } else if (running && JSON.stringify(running.fingerprint) !== JSON.stringify(keycloakFingerprint())) {
    log('keycloak runs with other ports than configured; restarting it');
    await keycloak.stop();
  } else if (running) {
    await keycloak.waitReady(keycloakHealthy, 240000);
    log(`keycloak already running (pid ${running.pid})`);
    return;
  }
  if (await keycloakHealthy()) {
    log(`keycloak answers at ${keycloakUrl()} (not started by this script)`);
    return;
  }
  for (const port of [config.keycloakPort, config.keycloakMgmtPort]) {
    if (await portInUse(port)) throw new Error(`port ${port} is taken; set CC_KEYCLOAK_PORT / CC_KEYCLOAK_MGMT_PORT`);
  }
  ensureKeycloakDist();
  const dataDir = path.join(keycloakHome, 'data');
  if (realmChanged) {
    // --import-realm skips realms that already exist, so a changed realm needs a fresh database.
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(realmHashFile, { force: true });
  }
  const importDir = path.join(dataDir, 'import');
  mkdirp(importDir);
  fs.copyFileSync(REALM_FILE, path.join(importDir, path.basename(REALM_FILE)));

  const started = Date.now();
  const pid = keycloak.start(
    path.join(keycloakHome, 'bin', 'kc.sh'),
    [
      'start-dev',
      `--http-port=${config.keycloakPort}`,
      `--http-management-port=${config.keycloakMgmtPort}`,
      '--http-host=127.0.0.1',
      // A fixed frontend URL keeps `iss` identical however clients reach the server.
      `--hostname=${keycloakUrl()}`,
      '--import-realm',
    ],
    {
      cwd: keycloakHome,
      fingerprint: keycloakFingerprint(),
      extraEnv: {
        KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
        KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin',
        // The default heap is a share of all RAM; the machine is shared with test workers.
        JAVA_OPTS_KC_HEAP: '-Xms128m -Xmx768m',
      },
    },
  );
  log(`keycloak starting (pid ${pid}), log ${keycloak.logFile}`);
  await keycloak.waitReady(keycloakHealthy, 240000);
  fs.writeFileSync(realmHashFile, `${hash}\n`);
  log(`keycloak ready at ${keycloakUrl()} in ${seconds(started)}`);
}

async function keycloakStatus() {
  const state = keycloak.state();
  return { name: 'keycloak', endpoint: keycloakUrl(), pid: state && state.pid, healthy: await keycloakHealthy() };
}

// ---------------------------------------------------------------------------------------
// GreenMail (standalone jar from Maven Central: SMTP and IMAP, plus a REST API that creates
// users and answers readiness). Mail lives in memory only, so a restart starts empty.

const greenmail = new ManagedProcess('greenmail', dirs.greenmail);
const greenmailJar = path.join(dirs.downloads, `greenmail-standalone-${GREENMAIL_VERSION}.jar`);
const MAIL_HOST = '127.0.0.1';
const greenmailApiUrl = () => `http://${MAIL_HOST}:${config.mailApiPort}`;
const greenmailFingerprint = () => ({
  version: GREENMAIL_VERSION,
  smtpPort: config.mailSmtpPort,
  imapPort: config.mailImapPort,
  apiPort: config.mailApiPort,
});

function ensureGreenmailJar() {
  if (fs.existsSync(greenmailJar)) return;
  log(`fetching greenmail-standalone ${GREENMAIL_VERSION} from Maven Central`);
  // Copy into a staging dir and rename, so an interrupted download never looks complete.
  const staging = path.join(dirs.greenmail, `fetch-${process.pid}`);
  fs.rmSync(staging, { recursive: true, force: true });
  run('mvn', [
    '-q',
    '-B',
    '-f',
    KAFKA_POM,
    'dependency:copy',
    `-Dartifact=com.icegreen:greenmail-standalone:${GREENMAIL_VERSION}`,
    `-DoutputDirectory=${staging}`,
  ], { quiet: true });
  mkdirp(dirs.downloads);
  fs.renameSync(path.join(staging, path.basename(greenmailJar)), greenmailJar);
  fs.rmSync(staging, { recursive: true, force: true });
}

// Ready when its API says so and reports SMTP and IMAP on the configured ports (another
// GreenMail, or something else, could hold the API port).
async function greenmailHealthy() {
  const configuration = await fetchOk(`${greenmailApiUrl()}/api/configuration`);
  if (!configuration) return false;
  const { serverSetups = [] } = await configuration.json().catch(() => ({}));
  const listening = serverSetups.map((s) => `${s.protocol}:${s.port}`);
  if (!listening.includes(`smtp:${config.mailSmtpPort}`) || !listening.includes(`imap:${config.mailImapPort}`)) return false;
  return Boolean(await fetchOk(`${greenmailApiUrl()}/api/service/readiness`));
}

async function greenmailUp() {
  const running = greenmail.state();
  if (running && JSON.stringify(running.fingerprint) !== JSON.stringify(greenmailFingerprint())) {
    log('greenmail runs with another version or other ports than configured; restarting it');
    await greenmail.stop();
  } else if (running) {
    await greenmail.waitReady(greenmailHealthy, 60000);
    log(`greenmail already running (pid ${running.pid})`);
    return;
  }
  if (await greenmailHealthy()) {
    log(`greenmail answers at ${greenmailApiUrl()} (not started by this script)`);
    return;
  }
  for (const port of [config.mailSmtpPort, config.mailImapPort, config.mailApiPort]) {
    if (await portInUse(port)) throw new Error(`port ${port} is taken; set CC_MAIL_SMTP_PORT / CC_MAIL_IMAP_PORT / CC_MAIL_API_PORT`);
  }
  ensureGreenmailJar();
  const started = Date.now();
  const pid = greenmail.start(
    javaBin(),
    [
      '-Xms32m',
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dgreenmail.smtp.hostname=${MAIL_HOST}`,
      `-Dgreenmail.smtp.port=${config.mailSmtpPort}`,
      `-Dgreenmail.imap.hostname=${MAIL_HOST}`,
      `-Dgreenmail.imap.port=${config.mailImapPort}`,
      `-Dgreenmail.api.hostname=${MAIL_HOST}`,
      `-Dgreenmail.api.port=${config.mailApiPort}`,
      '-jar',
      greenmailJar,
    ],
    { cwd: dirs.greenmail, fingerprint: greenmailFingerprint() },
  );
  log(`greenmail starting (pid ${pid}), log ${greenmail.logFile}`);
  await greenmail.waitReady(greenmailHealthy, 60000);
  log(`greenmail ready at smtp ${MAIL_HOST}:${config.mailSmtpPort}, imap ${MAIL_HOST}:${config.mailImapPort} in ${seconds(started)}`);
}

function mailEndpoints() {
  return { host: MAIL_HOST, smtpPort: config.mailSmtpPort, imapPort: config.mailImapPort, apiUrl: greenmailApiUrl() };
}

async function greenmailStatus() {
  const state = greenmail.state();
  const { host, smtpPort, imapPort } = mailEndpoints();
  return {
    name: 'greenmail',
    endpoint: `smtp ${host}:${smtpPort} imap ${host}:${imapPort} api ${greenmailApiUrl()}`,
    pid: state && state.pid,
    healthy: await greenmailHealthy(),
  };
}

// ---------------------------------------------------------------------------------------
// commands

function endpoints(pgUrl) {
  return { kafkaBrokers: kafkaBrokers(), keycloakUrl: keycloakUrl(), issuer: issuer(), pgAdminUrl: pgUrl, mail: mailEndpoints() };
}

function printEndpoints(value) {
  log('endpoints:');
  log(`  kafka brokers   ${value.kafkaBrokers.join(',')}`);
  log(`  keycloak        ${value.keycloakUrl}  (admin/admin, realm ${REALM}, demo users password "demo")`);
  log(`  issuer          ${value.issuer}`);
  log(`  postgres admin  ${value.pgAdminUrl}`);
  log(`  mail (greenmail) smtp ${value.mail.host}:${value.mail.smtpPort}, imap ${value.mail.host}:${value.mail.imapPort}, api ${value.mail.apiUrl}`);
  const shown = path.relative(ROOT, ENDPOINTS_FILE);
  log(`  written to      ${shown.startsWith('..') ? ENDPOINTS_FILE : shown}`);
}

async function up() {
  const started = Date.now();
  await withLock(async () => {
    // Kafka first: it is what most suites wait for.
    await kafkaUp();
    const pg = await pgUp();
    await keycloakUp();
    await greenmailUp();
    const value = endpoints(pg.url);
    writeJson(ENDPOINTS_FILE, value);
    printEndpoints(value);
  });
  log(`stack up in ${seconds(started)}`);
}

async function down() {
  await withLock(async () => {
    // Remove the endpoints first so nobody starts using a stack that is going away.
    fs.rmSync(ENDPOINTS_FILE, { force: true });
    await greenmail.stop();
    await keycloak.stop();
    await kafka.stop();
    await pgDown();
  });
  log('stack down');
}

async function status() {
  const results = [await kafkaStatus(), await pgStatus(), await keycloakStatus(), await greenmailStatus()];
  for (const r of results) {
    const owner = r.pid ? `pid ${r.pid}` : r.managed ? 'started by this script' : 'not started by this script';
    log(`${r.name.padEnd(9)} ${r.healthy ? 'healthy' : 'DOWN   '} ${r.endpoint}  (${owner})`);
  }
  return results.every((r) => r.healthy);
}

async function main() {
  const command = process.argv[2];
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else if (command === 'status') process.exitCode = (await status()) ? 0 : 1;
  else {
    console.error('usage: node deploy/local/stack.js up|down|status');
    process.exitCode = 2;
  }
}

main().catch((err) => {
  console.error(`[stack] FAILED: ${err.message}`);
  process.exit(1);
});
