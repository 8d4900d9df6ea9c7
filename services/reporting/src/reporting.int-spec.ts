import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DevIdentityProvider, type Role } from '@contactcenter/auth';
import { agentV1, commonV1, type EventDefinition, Events, reportingV1, toTimestamp } from '@contactcenter/contracts';
import { type EventRecord, KafkaEventBus } from '@contactcenter/messaging';
import { createTestDatabase, migrateAndConnect, newTenantId, newWorkspaceId, stackEndpoints, type TestDatabase, uniqueGroup, uniqueTopic } from '@contactcenter/testing';
import { REPORTING_TOPICS } from './consumers/reporting-events.consumer';
import { REPORTING_MIGRATIONS } from './persistence/reporting.migrations';
import { ReportingModule } from './reporting.module';
import { startReportingGrpcHost } from './testing/reporting-grpc.host';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type ReportingClient = grpc.Client & {
  getMetrics(request: unknown, metadata: grpc.Metadata, cb: Callback<{ rows: Record<string, unknown>[] }>): void;
};
type StaffingClient = grpc.Client & {
  requiredAgents(request: unknown, metadata: grpc.Metadata, cb: Callback<Record<string, number>>): void;
  erlangC(request: unknown, metadata: grpc.Metadata, cb: Callback<Record<string, number>>): void;
};

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const S = 1000;
const at = (minutes: number, seconds = 0) => toTimestamp(new Date(T0 + minutes * 60 * S + seconds * S));
const call = <T>(fn: (cb: Callback<T>) => void) => new Promise<T>((resolve, reject) => fn((e, r) => (e ? reject(e) : resolve(r!))));
const failure = (fn: (cb: Callback<unknown>) => void) => new Promise<grpc.ServiceError>((resolve) => fn((e) => resolve(e!)));

// A hand-computed day of one tenant, published through real Kafka with duplicates and out of
// order; GetMetrics over gRPC must return exactly the KPIs worked out below.
describe(ReportingModule.name, () => {
  const workspaceId = newWorkspaceId();
  const tenantId = newTenantId();
  const otherTenantId = newTenantId();
  const agentOne = randomUUID();
  const agentTwo = randomUUID();
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let reporting: ReportingClient;
  let staffing: StaffingClient;
  // Topics of this run only, so the consumer does not first wade through every other run's events.
  const topics: Record<string, string> = Object.fromEntries(REPORTING_TOPICS.map((topic) => [topic, uniqueTopic(topic)]));

  function event<T>(definition: EventDefinition<T>, payload: T, tenant = tenantId, id = randomUUID()): EventRecord {
    return { id, type: definition.type, topic: topics[definition.topic], key: workspaceId, time: new Date(T0), workspaceId, tenantId: tenant, payload: definition.codec.encode(payload).finish() };
  }

  async function metadataFor(roles: Role[], subject = randomUUID(), tenant = tenantId): Promise<grpc.Metadata> {
    const token = await idp.issueToken({ subject, workspaceId, tenants: [tenantId], roles });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('x-tenant-id', tenant);
    return metadata;
  }

  beforeAll(async () => {
    db = await createTestDatabase('reporting');
    dataSource = await migrateAndConnect(db, REPORTING_MIGRATIONS);
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'reporting-spec', logger: quiet });

    const host = await startReportingGrpcHost('reporting-spec', idp, { dataSource, eventBus: bus, consumerGroup: uniqueGroup('reporting'), topics: Object.values(topics) });
    app = host.app;
    reporting = host.client<ReportingClient>('HistoricalMetricsService');
    staffing = host.client<StaffingClient>('StaffingService');
  });

  afterAll(async () => {
    reporting?.close();
    staffing?.close();
    await app?.close();
    await bus?.close();
    await idp?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  describe('historical metrics from a hand-computed event log', () => {
    const log = () => {
      const voice = commonV1.Channel.CHANNEL_VOICE;
      const queued = (id: string, queueId: string, channel: commonV1.Channel, m: number, s = 0) =>
        event(Events.InteractionQueued, { interactionId: id, tenantId, queueId, channel, queuedAt: at(m, s) });
      const assigned = (id: string, queueId: string, agentId: string, m: number, s: number, waitS: number) =>
        event(Events.InteractionAssigned, { interactionId: id, tenantId, queueId, agentId, assignedAt: at(m, s), queueTimeMs: waitS * S });
      const completed = (id: string, agentId: string, m: number, s = 0) => event(Events.InteractionCompleted, { interactionId: id, tenantId, agentId, completedAt: at(m, s) });
      const abandoned = (id: string, m: number, s: number, waitS: number) =>
        event(Events.InteractionAbandoned, { interactionId: id, tenantId, queueId: 'billing', abandonedAt: at(m, s), queueTimeMs: waitS * S });
      const state = (s: agentV1.AgentState, m: number, sec = 0) =>
        event(Events.AgentStateChanged, { agentId: agentOne, workspaceId, previousState: agentV1.AgentState.AGENT_STATE_UNSPECIFIED, state: s, reasonCode: '', changedAt: at(m, sec) });
      const { AGENT_STATE_AVAILABLE: available, AGENT_STATE_ON_CONTACT: onContact, AGENT_STATE_AFTER_CONTACT_WORK: acw, AGENT_STATE_OFFLINE: offline } = agentV1.AgentState;
      return {
        // i1 answered in 10 s by agent one, talk 5 min; i2 answered in 30 s by agent two, ends 09:20:30.
        i1: [queued('i1', 'billing', voice, 0), assigned('i1', 'billing', agentOne, 0, 10, 10), completed('i1', agentOne, 5, 10)],
        i2: [queued('i2', 'billing', voice, 10), assigned('i2', 'billing', agentTwo, 10, 30, 30), completed('i2', agentTwo, 20, 30)],
        // i3 a short abandon (3 s), i4 abandoned after 40 s.
        i3: [queued('i3', 'billing', voice, 12), abandoned('i3', 12, 3, 3)],
        i4: [queued('i4', 'billing', voice, 14), abandoned('i4', 14, 40, 40)],
        // i5 a chat: answered in 15 s, first reply after 45 s, ends 09:16:15.
        i5: [
          event(Events.MessageReceived, { messageId: 'm1', tenantId, channelAccountId: 'web', channel: commonV1.Channel.CHANNEL_CHAT, providerMessageId: '', conversationKey: '', senderIdentity: 'c', text: 'hi', attachments: [], interactionId: 'i5', receivedAt: at(1) }),
          queued('i5', 'sales', commonV1.Channel.CHANNEL_CHAT, 1),
          assigned('i5', 'sales', agentOne, 1, 15, 15),
          event(Events.MessageSent, { messageId: 'm2', tenantId, channelAccountId: 'web', channel: commonV1.Channel.CHANNEL_CHAT, interactionId: 'i5', agentId: agentOne, text: 'hello', attachments: [], sentAt: at(1, 45) }),
          completed('i5', agentOne, 16, 15),
        ],
        // Agent one: available 10 s, on contact 5 min, ACW 1 min, available until 09:20.
        agent: [state(available, 0), state(onContact, 0, 10), state(acw, 5, 10), state(available, 6, 10), state(offline, 20)],
        other: [event(Events.InteractionQueued, { interactionId: 'x1', tenantId: otherTenantId, queueId: 'billing', channel: voice, queuedAt: at(0) }, otherTenantId)],
      };
    };

    beforeAll(async () => {
      const { i1, i2, i3, i4, i5, agent, other } = log();
      const reversed = (events: EventRecord[]) => [...events].reverse();
      // Late and shuffled: completions before answers, answers before queueing, the timeline backwards.
      await bus.publish([...reversed(i1), i3[1], ...reversed(agent).slice(0, 3), ...reversed(i5), ...other]);
      // Redeliveries of already published events (same ids) and the rest.
      await bus.publish([i1[2], i1[1], ...i2, i3[0], i3[1], ...i4, ...reversed(agent).slice(3), agent[0], i5[2]]);
      const unique = [...i1, ...i2, ...i3, ...i4, ...i5, ...agent, ...other].length;

      const admin = new Client({ connectionString: db.url('admin') });
      await admin.connect();
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE tenant_id = ANY($1)', [[tenantId, otherTenantId]]);
          if (rows[0].n >= unique || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        await admin.end();
      }
    });

    const range = { startTime: at(0), endTime: at(30) };

    it('computes exact 15-minute KPIs for the tenant, each event counted once', async () => {
      const metadata = await metadataFor(['supervisor']);

      const { rows } = await call<{ rows: Record<string, unknown>[] }>((cb) =>
        reporting.getMetrics({ ...range, granularity: reportingV1.Granularity.GRANULARITY_INTERVAL, groupBy: reportingV1.GroupBy.GROUP_BY_TENANT }, metadata, cb),
      );

      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        bucketStart: { seconds: T0 / 1000 },
        offered: 4,
        answered: 3,
        answeredWithinThreshold: 2,
        abandoned: 1,
        shortAbandoned: 1,
        handled: 1,
        talkMs: 300_000,
        handlingMs: 360_000,
        availableMs: 540_000,
        serviceLevel: 0.5,
        serviceLevelAbandonsIgnored: 2 / 3,
        serviceLevelAbandonsCountAgainst: 0.5,
        serviceLevelAbandonsWithinThresholdInFavour: 0.5,
        asaMs: 55_000 / 3,
        ahtMs: 300_000,
        abandonmentRate: 0.25,
        occupancy: 0.4,
        averageFirstResponseMs: 45_000,
        firstResponseSlaHitRate: 1,
      });
      expect(rows[1]).toMatchObject({ bucketStart: { seconds: T0 / 1000 + 900 }, offered: 0, handled: 2, talkMs: 1_500_000, ahtMs: 750_000, availableMs: 300_000, occupancy: 0 });
      expect(rows[1].serviceLevel).toBeUndefined();
    });

    it('rolls intervals up by day and groups by queue', async () => {
      const metadata = await metadataFor(['tenant-admin']);

      const { rows } = await call<{ rows: Record<string, unknown>[] }>((cb) =>
        reporting.getMetrics({ startTime: at(0), endTime: at(24 * 60), granularity: reportingV1.Granularity.GRANULARITY_DAY, groupBy: reportingV1.GroupBy.GROUP_BY_QUEUE }, metadata, cb),
      );

      expect(rows.map((row) => [row.groupKey, row.offered, row.answered, row.handled, row.talkMs])).toEqual([
        ['billing', 3, 2, 2, 900_000],
        ['sales', 1, 1, 1, 900_000],
      ]);
    });

    it('shows an agent its own figures only', async () => {
      const metadata = await metadataFor(['agent'], agentOne);
      const request = { ...range, granularity: reportingV1.Granularity.GRANULARITY_HOUR, groupBy: reportingV1.GroupBy.GROUP_BY_AGENT };

      const { rows } = await call<{ rows: Record<string, unknown>[] }>((cb) => reporting.getMetrics(request, metadata, cb));
      const byQueue = await failure((cb) => reporting.getMetrics({ ...request, groupBy: reportingV1.GroupBy.GROUP_BY_QUEUE }, metadata, cb));
      const otherAgent = await failure((cb) => reporting.getMetrics({ ...request, agentIds: [agentTwo] }, metadata, cb));

      expect(rows).toEqual([expect.objectContaining({ groupKey: agentOne, answered: 2, handled: 2, talkMs: 1_200_000, handlingMs: 360_000, availableMs: 840_000 })]);
      expect(byQueue.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(otherAgent.code).toBe(grpc.status.PERMISSION_DENIED);
    });

    it('refuses another tenant, and shows none of its data', async () => {
      const request = { ...range, granularity: reportingV1.Granularity.GRANULARITY_DAY, groupBy: reportingV1.GroupBy.GROUP_BY_QUEUE };

      const crossing = await failure(async (cb) => reporting.getMetrics(request, await metadataFor(['supervisor'], randomUUID(), otherTenantId), cb));
      const { rows } = await call<{ rows: Record<string, unknown>[] }>(async (cb) => reporting.getMetrics(request, await metadataFor(['supervisor']), cb));

      expect(crossing.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(rows.reduce((sum, row) => sum + (row.offered as number), 0)).toBe(4);
    });

    it('answers INVALID_ARGUMENT with a reason for a bad query', async () => {
      const metadata = await metadataFor(['supervisor']);
      const base = { ...range, granularity: reportingV1.Granularity.GRANULARITY_DAY, groupBy: reportingV1.GroupBy.GROUP_BY_QUEUE };

      const unaligned = await failure((cb) => reporting.getMetrics({ ...base, startTime: at(0, 1) }, metadata, cb));
      const noGrouping = await failure((cb) => reporting.getMetrics({ ...base, groupBy: reportingV1.GroupBy.GROUP_BY_UNSPECIFIED }, metadata, cb));

      expect(unaligned.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(unaligned.details).toMatch(/^range-not-aligned/);
      expect(noGrouping.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(noGrouping.details).toMatch(/^bad-group-by/);
    });
  });

  describe('StaffingService', () => {
    const load = { callsPerInterval: 100, intervalSeconds: 1800, ahtSeconds: 180 };

    it("reproduces Call Centre Helper's published Erlang C example", async () => {
      const metadata = await metadataFor(['supervisor']);

      const sut = await call<Record<string, number>>((cb) =>
        staffing.requiredAgents({ load, targetServiceLevel: 0.8, targetAnswerTimeSeconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 }, metadata, cb),
      );
      const thirteen = await call<Record<string, number>>((cb) => staffing.erlangC({ load, agents: 13, answerTimeSeconds: 20 }, metadata, cb));

      expect(sut).toMatchObject({ trafficErlangs: 10, rawAgents: 14, agentsWithShrinkage: 20 });
      expect(sut.serviceLevel).toBeCloseTo(0.88835, 5);
      expect(sut.occupancy).toBeCloseTo(0.71429, 5);
      expect(sut.probabilityOfWaiting).toBeCloseTo(0.17413, 5);
      expect(thirteen.serviceLevel).toBeCloseTo(0.796, 3);
    });

    it('answers INVALID_ARGUMENT for impossible input and PERMISSION_DENIED for agents', async () => {
      const invalid = await failure(async (cb) => staffing.erlangC({ load, agents: 0, answerTimeSeconds: 20 }, await metadataFor(['supervisor']), cb));
      const agent = await failure(async (cb) => staffing.erlangC({ load, agents: 13, answerTimeSeconds: 20 }, await metadataFor(['agent']), cb));

      expect(invalid.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(invalid.details).toMatch(/agents must be an integer >= 1/);
      expect(agent.code).toBe(grpc.status.PERMISSION_DENIED);
    });
  });
});
