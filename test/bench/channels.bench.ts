// Channel-ingestion benchmark on the real local stack, one JSON result per line on stdout.
// Inbound WhatsApp Cloud API webhooks (signed with X-Hub-Signature-256) into the real service
// module: signature check, parse, normalisation, one Postgres transaction (message, conversation,
// outbox) before the 200, the outbox relay publishing to real Kafka. Reference, same run and same
// load generator: a bare NestJS (Express) endpoint that answers 200. The machine is shared, so the
// two alternate in rounds (each of ours ends when the relay drained the outbox) and the load
// generator and the Kafka observer run in their own processes.
// Usage: npm run bench -- channels [--messages 20000] [--rounds 4] [--concurrency 64] [--warmup 2000]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Controller, HttpCode, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuthModule } from '@contactcenter/auth';
import { KafkaEventBus } from '@contactcenter/messaging';
import { TenantContext } from '@contactcenter/tenancy';
import { createTestDatabase, DEMO, freePort, newScope, stackEndpoints, uniqueGroup } from '@contactcenter/testing';
import { ManageChannelAccountsUseCase } from '../../services/channel-ingestion/src/app/manage-channel-accounts/manage-channel-accounts.use-case';
import { ChannelModule } from '../../services/channel-ingestion/src/channel.module';
import { CHANNEL_MIGRATIONS } from '../../services/channel-ingestion/src/persistence/channel.migrations';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const config = { messages: arg('messages', 20_000), rounds: arg('rounds', 4), concurrency: arg('concurrency', 64), warmup: arg('warmup', 2_000), timeoutMs: 300_000 };
const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const log = (message: string) => process.stderr.write(`[bench:channels] ${message}\n`);
const round = (n: number) => Math.round(n * 1000) / 1000;
const result = (metric: string, unit: string, value: number, extra: object = {}) =>
  process.stdout.write(`${JSON.stringify({ bench: 'channels', metric, value: round(value), unit, ...extra })}\n`);

interface LoadReport {
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

function load(url: string, count: number, prefix: string, appSecret = ''): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'channels-load-process.ts')], {
      env: { ...process.env, CC_URL: url, CC_APP_SECRET: appSecret, CC_COUNT: String(count), CC_CONCURRENCY: String(config.concurrency), CC_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadReport) : reject(new Error(`load generator exited ${code}`))));
  });
}

@Controller('bare')
class BareController {
  @Post()
  @HttpCode(200)
  ok(): string {
    return 'ok';
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

interface ObserverReport {
  published: number;
  p50Ms: number;
  p99Ms: number;
}

/** Starts the Kafka observer; resolves once it is subscribed, with a promise of its report. */
function observe(tenantId: string, expect: number): Promise<{ report: Promise<ObserverReport>; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'channels-observer-process.ts')], {
      env: { ...process.env, CC_KAFKA_BROKERS: stackEndpoints().kafkaBrokers.join(','), CC_TENANT_ID: tenantId, CC_EXPECT: String(expect), CC_GROUP: uniqueGroup('bench-channels-observer') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    let reportResolve: (r: ObserverReport) => void;
    const report = new Promise<ObserverReport>((r) => (reportResolve = r));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as { ready?: boolean } & ObserverReport;
        buffered = buffered.slice(nl + 1);
        if (line.ready) resolve({ report, stop: () => child.kill() });
        else reportResolve(line);
      }
    });
    child.on('error', reject);
  });
}

const total = (reports: LoadReport[]) => ({
  ok: reports.reduce((n, r) => n + r.ok, 0),
  seconds: reports.reduce((n, r) => n + r.seconds, 0),
  p50Ms: median(reports.map((r) => r.p50Ms)),
  p99Ms: median(reports.map((r) => r.p99Ms)),
});
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const brokers = stackEndpoints().kafkaBrokers;
  const scope = newScope();
  const db = await createTestDatabase('bench_channels');
  const owner = new DataSource({ type: 'postgres', url: db.url('owner'), migrations: CHANNEL_MIGRATIONS });
  await owner.initialize();
  await owner.runMigrations();
  await owner.destroy();
  const dataSource = await new DataSource({ type: 'postgres', url: db.url('app'), extra: { max: 24 } }).initialize();
  const admin = await new DataSource({ type: 'postgres', url: db.url('admin'), extra: { max: 1 } }).initialize();
  const bus = new KafkaEventBus({ brokers, clientId: 'bench-channels', logger: quiet });
  const perRound = Math.ceil(config.messages / config.rounds);
  const observer = await observe(scope.tenantId!, perRound * config.rounds);

  let app: INestApplication | undefined;
  let bareApp: INestApplication | undefined;
  try {
    const { issuer } = stackEndpoints();
    @Module({
      imports: [
        AuthModule.forRoot({ issuer, audience: DEMO.audience, jwksUri: `${issuer}/protocol/openid-connect/certs` }),
        ChannelModule.register({
          dataSource,
          eventBus: bus,
          secretsKey: 'bench-secrets-key-of-at-least-32-characters',
          consumerGroup: uniqueGroup('bench-channels'),
          relayDatabaseUrl: db.url('relay'),
          // The benchmark measures ingestion, not the limiter.
          tenantRatePerSecond: 1_000_000,
        }),
      ],
    })
    class HostModule {}
    app = await NestFactory.create(HostModule, { logger: false });
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    bareApp = await NestFactory.create(BareModule, { logger: false });
    const barePort = await freePort();
    await bareApp.listen(barePort, '127.0.0.1');
    const bareUrl = `http://127.0.0.1:${barePort}/bare`;

    const accounts = app.get(ManageChannelAccountsUseCase);
    const account = await TenantContext.run(scope, () =>
      accounts.create(
        scope.tenantId!,
        scope.workspaceId,
        {
          kind: 'whatsapp',
          name: 'bench',
          address: '106540352242922',
          routing: { defaultQueueId: 'bench', rules: [] },
          rateLimitPerSecond: 100_000,
          disabled: false,
          settings: {},
          secrets: { app_secret: 'bench-app-secret', access_token: 'x', verify_token: 'y' },
        },
        new Date(),
      ),
    );
    const url = `http://127.0.0.1:${port}/webhooks/whatsapp/${scope.tenantId}/${account.accountId}`;
    const outboxDrained = async () => {
      const deadline = Date.now() + config.timeoutMs;
      while (Number((await admin.query('SELECT count(*) AS n FROM outbox'))[0].n) > 0) {
        if (Date.now() > deadline) throw new Error('the outbox did not drain');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    log(`warm-up: ${config.warmup} webhooks each`);
    await load(url, config.warmup, 'warm', 'bench-app-secret');
    await load(bareUrl, config.warmup, 'warm');
    await outboxDrained();
    const ours: LoadReport[] = [];
    const bare: LoadReport[] = [];
    for (let round = 0; round < config.rounds; round++) {
      log(`round ${round + 1}/${config.rounds}: ${perRound} webhooks, concurrency ${config.concurrency}`);
      const measured = await load(url, perRound, `run${round}`, 'bench-app-secret');
      if (measured.ok !== perRound) throw new Error(`only ${measured.ok} of ${perRound} accepted: ${JSON.stringify(measured.statuses)}`);
      ours.push(measured);
      await outboxDrained();
      bare.push(await load(bareUrl, perRound, `bare${round}`));
    }
    const published = await Promise.race([
      observer.report,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not every event was published')), config.timeoutMs)),
    ]);

    const measured = total(ours);
    const reference = total(bare);
    const rate = measured.ok / measured.seconds;
    const refRate = reference.ok / reference.seconds;
    const ref = { ref: 'bare NestJS endpoint returning 200', refValue: round(refRate), ratio: round(rate / refRate) };
    result('inbound_webhooks.messages_per_s', 'msg/s', rate, { ...ref, messages: measured.ok, rounds: config.rounds, concurrency: config.concurrency });
    result('inbound_webhooks.stored_latency_p50', 'ms', measured.p50Ms, { ref: 'bare endpoint p50', refValue: round(reference.p50Ms), ratio: round(measured.p50Ms / reference.p50Ms) });
    result('inbound_webhooks.stored_latency_p99', 'ms', measured.p99Ms, { ref: 'bare endpoint p99', refValue: round(reference.p99Ms), ratio: round(measured.p99Ms / reference.p99Ms) });
    result('inbound_webhooks.published_latency_p50', 'ms', published.p50Ms, { ref: 'stored latency p50', refValue: round(measured.p50Ms), ratio: round(published.p50Ms / measured.p50Ms) });
    result('inbound_webhooks.published_latency_p99', 'ms', published.p99Ms, { ref: 'stored latency p99', refValue: round(measured.p99Ms), ratio: round(published.p99Ms / measured.p99Ms) });
  } finally {
    observer.stop();
    await app?.close();
    await bareApp?.close();
    await bus.close();
    await dataSource.destroy();
    await admin.destroy();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
