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
import { requiredAgents } from './domain/staffing/required-agents.calculator';
import { REPORTING_MIGRATIONS } from './persistence/reporting.migrations';
import { ReportingModule } from './reporting.module';
import { startReportingGrpcHost } from './testing/reporting-grpc.host';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Row = Record<string, unknown>;
type Unary = (request: unknown, metadata: grpc.Metadata, cb: Callback<Row>) => void;
type ServerStream = (request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<Row>;
type Clients = {
  historical: grpc.Client & { getMetrics: Unary; getAgentTimeline: Unary; exportCsv: ServerStream };
  realtime: grpc.Client & { streamQueueMetrics: ServerStream; streamAgentMetrics: ServerStream };
  settings: grpc.Client & { getKpiSettings: Unary; updateKpiSettings: Unary; setAgentTeam: Unary };
  staffing: grpc.Client & { staffingPlan: Unary };
};

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const DAY_START = Date.UTC(2025, 0, 6);
/** The real-time views' clock: the same Monday, 12:00 UTC. */
const NOW = T0 + 3 * 3_600_000;
const S = 1000;
const at = (minutes: number, seconds = 0) => toTimestamp(new Date(T0 + minutes * 60 * S + seconds * S));
const ts = (ms: number) => toTimestamp(new Date(ms));
const call = (fn: (cb: Callback<Row>) => void) => new Promise<Row>((resolve, reject) => fn((e, r) => (e ? reject(e) : resolve(r!))));
const failure = (fn: (cb: Callback<Row>) => void) => new Promise<grpc.ServiceError>((resolve) => fn((e) => resolve(e!)));
const { GRANULARITY_DAY: DAY } = reportingV1.Granularity;
const { GROUP_BY_QUEUE: BY_QUEUE, GROUP_BY_AGENT: BY_AGENT, GROUP_BY_TEAM: BY_TEAM } = reportingV1.GroupBy;

/** The first message of a server stream that satisfies `accept` (the stream is cancelled then). */
function next(stream: grpc.ClientReadableStream<Row>, accept: (message: Row) => boolean = () => true, timeoutMs = 10_000): Promise<Row> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching message')), timeoutMs);
    stream.on('data', (message: Row) => {
      if (!accept(message)) return;
      clearTimeout(timer);
      resolve(message);
    });
    stream.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function streamError(stream: grpc.ClientReadableStream<Row>): Promise<grpc.ServiceError> {
  return next(stream).then(
    () => {
      stream.cancel();
      throw new Error('expected an error');
    },
    (error: grpc.ServiceError) => error,
  );
}

function collect(stream: grpc.ClientReadableStream<Row>): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (message: Row) => chunks.push(message.chunk as Buffer));
    stream.on('end', () => resolve(chunks));
    stream.on('error', reject);
  });
}

// Real-time streams against historical metrics over the same events, CSV export, agent timeline,
// teams, tenant settings and the staffing plan, on real Kafka, Postgres and gRPC.
describe(`${ReportingModule.name} views`, () => {
  const workspaceId = newWorkspaceId();
  const tenantId = newTenantId();
  const otherTenantId = newTenantId();
  const [a1, a2, a3] = [randomUUID(), randomUUID(), randomUUID()];
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let clients: Clients;
  let published = 0;
  // Topics of this run only, so the consumer does not first wade through every other run's events.
  const topics: Record<string, string> = Object.fromEntries(REPORTING_TOPICS.map((topic) => [topic, uniqueTopic(topic)]));

  function event<T>(definition: EventDefinition<T>, payload: T, tenant = tenantId): EventRecord {
    return { id: randomUUID(), type: definition.type, topic: topics[definition.topic], key: workspaceId, time: new Date(T0), workspaceId, tenantId: tenant, payload: definition.codec.encode(payload).finish() };
  }

  async function metadataFor(roles: Role[], subject = randomUUID(), tenant = tenantId): Promise<grpc.Metadata> {
    const token = await idp.issueToken({ subject, workspaceId, tenants: [tenantId], roles });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('x-tenant-id', tenant);
    return metadata;
  }

  async function publishAndWait(events: EventRecord[]): Promise<void> {
    await bus.publish(events);
    published += new Set(events.map((e) => e.id)).size;
    const admin = new Client({ connectionString: db.url('admin') });
    await admin.connect();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE tenant_id = $1', [tenantId]);
        if (rows[0].n >= published) return;
        if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${published} events ingested`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await admin.end();
    }
  }

  const voice = commonV1.Channel.CHANNEL_VOICE;
  const queued = (id: string, queueId: string, m: number, s = 0, channel = voice) => event(Events.InteractionQueued, { interactionId: id, tenantId, queueId, channel, queuedAt: at(m, s) });
  const assigned = (id: string, queueId: string, agentId: string, m: number, s: number, waitS: number) =>
    event(Events.InteractionAssigned, { interactionId: id, tenantId, queueId, agentId, assignedAt: at(m, s), queueTimeMs: waitS * S });
  const completed = (id: string, agentId: string, m: number, s = 0, holdS?: number) =>
    event(Events.InteractionCompleted, { interactionId: id, tenantId, agentId, completedAt: at(m, s), ...(holdS === undefined ? {} : { holdMs: holdS * S }) });
  const callHeld = (id: string, m: number, s = 0) => event(Events.CallHeld, { callId: `call-${id}`, tenantId, interactionId: id, heldAt: at(m, s) });
  const callResumed = (id: string, m: number, s = 0) => event(Events.CallResumed, { callId: `call-${id}`, tenantId, interactionId: id, resumedAt: at(m, s) });
  const wrapped = (id: string, queueId: string, agentId: string, m: number, s = 0) =>
    event(Events.InteractionWrappedUp, { interactionId: id, tenantId, queueId, agentId, disposition: 'done', notes: '', timedOut: false, handleTimeMs: 0, wrappedUpAt: at(m, s) });
  const abandoned = (id: string, m: number, s: number, waitS: number) => event(Events.InteractionAbandoned, { interactionId: id, tenantId, queueId: 'billing', abandonedAt: at(m, s), queueTimeMs: waitS * S });
  const linked = (id: string, customerId: string, caseId: string) => event(Events.InteractionCustomerLinked, { interactionId: id, tenantId, customerId, caseId, linkedAt: at(30) });
  const state = (agentId: string, s: agentV1.AgentState, m: number, sec = 0, reasonCode = '') =>
    event(Events.AgentStateChanged, { agentId, workspaceId, previousState: agentV1.AgentState.AGENT_STATE_UNSPECIFIED, state: s, reasonCode, changedAt: at(m, sec) });
  const { AGENT_STATE_AVAILABLE: AVAILABLE, AGENT_STATE_ON_CONTACT: ON_CONTACT, AGENT_STATE_AFTER_CONTACT_WORK: ACW, AGENT_STATE_AWAY: AWAY, AGENT_STATE_OFFLINE: OFFLINE } = agentV1.AgentState;

  // The first contacts of the hand-computed log (domain/facts/hand-computed-event-log.spec.ts), as events.
  // c1's completion states hold_ms 30 s, overriding the gateway's 45 s hold; c6's first leg has no
  // stated hold: its 60 s come from CallHeld / CallResumed, sent last, newest first, one of them twice.
  const log = () => [
    queued('c1', 'billing', 0), assigned('c1', 'billing', a1, 0, 10, 10), completed('c1', a1, 5, 10, 30), wrapped('c1', 'billing', a1, 6, 10), linked('c1', 'K1', 'X1'),
    callHeld('c1', 2), callResumed('c1', 2, 45),
    event(Events.SurveyCompleted, { surveyId: 's1', tenantId, interactionId: 'c1', csat: 5, nps: 10, ces: 2, completedAt: at(40) }),
    queued('c2', 'billing', 1), assigned('c2', 'billing', a2, 1, 30, 30), completed('c2', a2, 4, 30), wrapped('c2', 'billing', a2, 5), linked('c2', 'K2', ''),
    queued('c3', 'billing', 2), abandoned('c3', 2, 3, 3),
    queued('c4', 'billing', 3), abandoned('c4', 3, 15, 15),
    queued('c5', 'billing', 4), abandoned('c5', 4, 40, 40),
    queued('c6', 'billing', 5), assigned('c6', 'billing', a3, 5, 20, 20), completed('c6', a3, 10, 20),
    event(Events.InteractionTransferred, { interactionId: 'c6', tenantId, fromQueueId: 'billing', fromAgentId: a3, toQueueId: 'tech', toAgentId: '', transferredAt: at(10, 20) }),
    queued('c6', 'tech', 10, 25), assigned('c6', 'tech', a2, 10, 35, 10), completed('c6', a2, 20, 35), wrapped('c6', 'tech', a2, 21, 35),
    queued('c7', 'sales', 7, 5, commonV1.Channel.CHANNEL_CHAT), assigned('c7', 'sales', a1, 7, 25, 20), completed('c7', a1, 12), wrapped('c7', 'sales', a1, 12, 30), linked('c7', 'K1', 'X1'),
    state(a1, AVAILABLE, 0), state(a1, ON_CONTACT, 0, 10), state(a1, ACW, 5, 10), state(a1, AVAILABLE, 6, 10), state(a1, ON_CONTACT, 7, 25), state(a1, ACW, 12), state(a1, AVAILABLE, 12, 30),
    state(a1, AWAY, 20, 0, 'break'), state(a1, OFFLINE, 30),
    state(a2, AVAILABLE, 0), state(a3, AVAILABLE, 0), state(a3, AWAY, 11, 0, 'lunch'),
    callResumed('c6', 9, 20), callHeld('c6', 9), callResumed('c6', 6, 40), callHeld('c6', 6, 10), callHeld('c6', 6), callHeld('c6', 6),
  ];

  beforeAll(async () => {
    db = await createTestDatabase('reporting_views');
    dataSource = await migrateAndConnect(db, REPORTING_MIGRATIONS);
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'reporting-views-spec', logger: quiet });

    const host = await startReportingGrpcHost('reporting-views-spec', idp, {
      dataSource,
      eventBus: bus,
      consumerGroup: uniqueGroup('reporting-views'),
      topics: Object.values(topics),
      realtime: { now: () => NOW, tickMs: 20 },
      exportPageSize: 2,
    });
    app = host.app;
    clients = { historical: host.client('HistoricalMetricsService'), realtime: host.client('RealtimeMetricsService'), settings: host.client('ReportingSettingsService'), staffing: host.client('StaffingService') };

    await publishAndWait([...log(), ...log().slice(0, 10)].reverse());
  });

  afterAll(async () => {
    for (const c of Object.values(clients ?? {})) c.close();
    await app?.close();
    await bus?.close();
    await idp?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const day = { startTime: ts(DAY_START), endTime: ts(DAY_START + 86_400_000), granularity: DAY };

  describe('real-time streams', () => {
    it('match the historical metrics of the same day, queue by queue and agent by agent', async () => {
      const supervisor = await metadataFor(['supervisor']);
      const stream = clients.realtime.streamQueueMetrics({ queueIds: [] }, supervisor);
      const live = await next(stream);
      stream.cancel();
      const { rows } = (await call((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_QUEUE }, supervisor, cb))) as { rows: Row[] };

      const queues = live.queues as Row[];
      expect(queues.map((q) => q.queueId)).toEqual(['billing', 'sales', 'tech']);
      for (const queue of queues) {
        const historical = rows.find((row) => row.groupKey === queue.queueId)!;
        expect([queue.contactsOffered, queue.contactsAnswered, queue.contactsAbandoned, queue.contactsHandledIn, queue.serviceLevel, queue.asaMs]).toEqual([
          historical.offered,
          historical.answered,
          historical.abandoned,
          historical.handled,
          historical.serviceLevel,
          historical.asaMs,
        ]);
      }
      // The hand-computed billing figures: offered 5, SL (variant 2) 2 / 5, ASA 20 s.
      expect(queues[0]).toMatchObject({ contactsOffered: 5, contactsAnswered: 3, contactsAbandoned: 2, serviceLevel: 0.4, asaMs: 20_000, contactsInQueue: 0 });
      // Agents who took billing contacts: a1 (offline now) no longer staffed; a2 available; a3 away (lunch).
      expect(queues[0]).toMatchObject({ agentsStaffed: 2, agentsAvailable: 1, agentsAway: 1, agentsAwayByReason: [{ reason: 'lunch', agents: 1 }] });

      const agentStream = clients.realtime.streamAgentMetrics({ agentIds: [a1] }, supervisor);
      const [agent] = (await next(agentStream)).agents as Row[];
      agentStream.cancel();
      const [history] = ((await call((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_AGENT, agentIds: [a1] }, supervisor, cb))) as { rows: Row[] }).rows;
      // a1 handled 665 s and was available 235 + 300 s: 665 / 1,200, offline since 09:30.
      expect(agent).toMatchObject({ agentId: a1, activity: reportingV1.AgentActivity.AGENT_ACTIVITY_OFFLINE, timeInStateMs: NOW - (T0 + 30 * 60 * S) });
      expect(agent.occupancy).toBeCloseTo(665 / 1200, 12);
      expect(history.occupancy).toBeCloseTo(agent.occupancy as number, 12);
    });

    it('push a new waiting contact and an agent taking it within a second of the event', async () => {
      const supervisor = await metadataFor(['supervisor']);
      const stream = clients.realtime.streamQueueMetrics({ queueIds: ['billing'] }, supervisor);
      const agents = clients.realtime.streamAgentMetrics({ agentIds: [a2] }, supervisor);
      await Promise.all([next(stream), next(agents)]);

      const waiting = next(stream, (m) => (m.queues as Row[])[0].contactsInQueue === 1);
      const started = Date.now();
      await bus.publish([queued('c20', 'billing', 100)]);
      const [billing] = (await waiting).queues as Row[];
      const waitedMs = Date.now() - started;
      // Queued at 10:40 on the views' clock (12:00): the oldest contact is 80 minutes old.
      expect(billing).toMatchObject({ contactsInQueue: 1, oldestContactAgeMs: 80 * 60 * S, contactsOffered: 6 });
      expect(waitedMs).toBeLessThan(1_000);

      const onContact = next(agents, (m) => (m.agents as Row[])[0].contacts instanceof Array && ((m.agents as Row[])[0].contacts as Row[]).length === 1);
      await bus.publish([assigned('c20', 'billing', a2, 100, 30, 30), state(a2, ON_CONTACT, 100, 30)]);
      const [agent] = (await onContact).agents as Row[];
      expect(agent).toMatchObject({ agentId: a2, contacts: [{ channel: voice, contacts: 1 }] });
      stream.cancel();
      agents.cancel();
      published += 3;
    });

    it('show an agent only itself, and supervisors only the tenants they are granted', async () => {
      const agent = await metadataFor(['agent'], a1);

      const [own] = (await next(clients.realtime.streamAgentMetrics({ agentIds: [] }, agent))).agents as Row[];
      const otherAgent = await streamError(clients.realtime.streamAgentMetrics({ agentIds: [a2] }, agent));
      const queues = await streamError(clients.realtime.streamQueueMetrics({ queueIds: [] }, agent));
      const otherTenant = await streamError(clients.realtime.streamQueueMetrics({ queueIds: [] }, await metadataFor(['supervisor'], randomUUID(), otherTenantId)));

      expect(own.agentId).toBe(a1);
      expect(otherAgent.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(queues.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(otherTenant.code).toBe(grpc.status.PERMISSION_DENIED);
    });
  });

  describe('historical completeness', () => {
    it('reports hold, ACW, transfers, FCR and surveys per queue for the day', async () => {
      const { rows } = (await call(async (cb) => clients.historical.getMetrics({ ...day, groupBy: BY_QUEUE }, await metadataFor(['supervisor']), cb))) as { rows: Row[] };
      const billing = rows.find((row) => row.groupKey === 'billing')!;

      // Handled c1 (270 / 30 / 60 s: the stated hold), c2 (180 / 0 / 30 s), c6's first leg (240 / 60 / 0 s,
      // transferred; hold 09:06:00-09:06:40 + 09:09:00-09:09:20 from the call events).
      expect(billing).toMatchObject({ handled: 3, talkMs: 690_000, holdMs: 90_000, acwMs: 90_000, transferred: 1, ahtMs: 290_000 });
      // c1 repeated by c7 (same case, chat); c2 has no return yet (provisional resolved).
      expect(billing).toMatchObject({ fcrResolved: 1, fcrRepeated: 1, fcrRate: 0.5, csatResponses: 1, csat: 1, nps: 100, ces: 2 });
    });

    it('groups agents by team', async () => {
      const supervisor = await metadataFor(['supervisor']);
      await call((cb) => clients.settings.setAgentTeam({ agentIds: [a1, a3], teamId: 'red' }, supervisor, cb));
      const empty = await failure((cb) => clients.settings.setAgentTeam({ agentIds: [], teamId: 'red' }, supervisor, cb));

      const { rows } = (await call((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_TEAM }, supervisor, cb))) as { rows: Row[] };

      // red: c1, c7 (a1) and c6's first leg (a3); a2 (c2, c6 in tech, c20) is in no team.
      expect(rows.map((row) => [row.groupKey, row.handled])).toEqual([
        ['', 2],
        ['red', 3],
      ]);
      expect(empty.code).toBe(grpc.status.INVALID_ARGUMENT);
    });

    it("narrows a team lead to its team's agents in agent figures, streams and timelines", async () => {
      const lead = randomUUID();
      await call(async (cb) => clients.settings.setAgentTeam({ agentIds: [a1, a3, lead], teamId: 'red' }, await metadataFor(['supervisor']), cb));
      const asLead = await metadataFor(['team-lead'], lead);
      const teamless = await metadataFor(['team-lead']);

      const byAgent = ((await call((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_AGENT }, asLead, cb))) as { rows: Row[] }).rows;
      const byQueue = ((await call((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_QUEUE }, asLead, cb))) as { rows: Row[] }).rows;
      const otherAgent = await failure((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_AGENT, agentIds: [a2] }, asLead, cb));
      const stream = clients.realtime.streamAgentMetrics({ agentIds: [] }, asLead);
      const streamed = (await next(stream)).agents as Row[];
      stream.cancel();
      const otherStream = await streamError(clients.realtime.streamAgentMetrics({ agentIds: [a2] }, asLead));
      const timeline = await call((cb) => clients.historical.getAgentTimeline({ agentId: a3, day: at(0) }, asLead, cb));
      const otherTimeline = await failure((cb) => clients.historical.getAgentTimeline({ agentId: a2, day: at(0) }, asLead, cb));
      const noTeam = await failure((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_AGENT }, teamless, cb));

      // a1 and a3 are in red (the lead has no figures of its own); a2 is not.
      expect(new Set(byAgent.map((row) => row.groupKey))).toEqual(new Set([a1, a3]));
      // Queue figures are not agent figures: the lead sees the whole billing queue.
      expect(byQueue.find((row) => row.groupKey === 'billing')).toMatchObject({ handled: 3 });
      expect(streamed.map((agent) => agent.agentId).sort()).toEqual([a1, a3, lead].sort());
      expect(timeline).toMatchObject({ agentId: a3 });
      for (const denied of [otherAgent, otherStream, otherTimeline, noTeam]) expect(denied.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(noTeam.details).toMatch(/^team-lead-without-team/);
    });

    it('gives the agent state timeline of a day; an agent only its own', async () => {
      const { changes, stateAtStart } = (await call(async (cb) => clients.historical.getAgentTimeline({ agentId: a1, day: at(0) }, await metadataFor(['supervisor']), cb))) as {
        changes: Row[];
        stateAtStart: number;
      };
      const own = await call(async (cb) => clients.historical.getAgentTimeline({ day: at(0) }, await metadataFor(['agent'], a1), cb));
      const other = await failure(async (cb) => clients.historical.getAgentTimeline({ agentId: a2, day: at(0) }, await metadataFor(['agent'], a1), cb));

      expect(stateAtStart).toBe(reportingV1.AgentActivity.AGENT_ACTIVITY_UNSPECIFIED);
      expect(changes).toHaveLength(9);
      expect(changes[7]).toEqual({ changedAt: { seconds: (T0 + 20 * 60 * S) / 1000, nanos: 0 }, activity: reportingV1.AgentActivity.AGENT_ACTIVITY_AWAY, reason: 'break' });
      expect((own.changes as Row[]).length).toBe(9);
      expect(other.code).toBe(grpc.status.PERMISSION_DENIED);
    });
  });

  describe('CSV export', () => {
    it('streams per-interaction detail page by page', async () => {
      const chunks = await collect(clients.historical.exportCsv({ kind: reportingV1.ExportKind.EXPORT_KIND_INTERACTION_DETAIL, ...day }, await metadataFor(['supervisor'])));
      const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
      const header = lines[0].split(',');
      const c1 = Object.fromEntries(lines.find((line) => line.startsWith('c1,'))!.split(',').map((value, i) => [header[i], value]));

      // Header, then c1..c7 and c20 with c6 on two lines (billing, tech): 9 visits. Pages of 2
      // interactions: header + 4 pages.
      expect(lines).toHaveLength(10);
      expect(chunks).toHaveLength(5);
      expect(c1).toMatchObject({ channel: 'voice', customer_id: 'K1', case_id: 'X1', queue_id: 'billing', outcome: 'answered', queue_ms: '10000', within_service_level: 'true' });
      expect(c1).toMatchObject({ agent_id: a1, talk_ms: '270000', hold_ms: '30000', acw_ms: '60000', transferred: 'false', csat: '5', nps: '10', ces: '2' });
      expect(lines.filter((line) => line.startsWith('c3,'))[0]).toContain('short-abandoned');
    });

    it('streams interval metrics whose counters sum to the historical figures', async () => {
      const supervisor = await metadataFor(['supervisor']);
      const chunks = await collect(clients.historical.exportCsv({ kind: reportingV1.ExportKind.EXPORT_KIND_INTERVAL_METRICS, ...day }, supervisor));
      const [head, ...lines] = Buffer.concat(chunks).toString('utf8').trim().split('\n');
      const column = (name: string) => head.split(',').indexOf(name);
      const sum = (name: string) => lines.reduce((total, line) => total + Number(line.split(',')[column(name)]), 0);
      const { rows } = (await call((cb) => clients.historical.getMetrics({ ...day, groupBy: reportingV1.GroupBy.GROUP_BY_TENANT }, supervisor, cb))) as { rows: Row[] };

      expect(sum('answered')).toBe(rows[0].answered);
      expect(sum('talk_ms')).toBe(rows[0].talkMs);
      expect(sum('handling_ms')).toBe(rows[0].handlingMs);
    });

    it('refuses a bad range before streaming, and agents', async () => {
      const unaligned = await streamError(clients.historical.exportCsv({ kind: reportingV1.ExportKind.EXPORT_KIND_INTERVAL_METRICS, ...day, startTime: at(0, 1) }, await metadataFor(['supervisor'])));
      const agent = await streamError(clients.historical.exportCsv({ kind: reportingV1.ExportKind.EXPORT_KIND_INTERVAL_METRICS, ...day }, await metadataFor(['agent'])));

      expect(unaligned.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(unaligned.details).toMatch(/^range-not-aligned/);
      expect(agent.code).toBe(grpc.status.PERMISSION_DENIED);
    });
  });

  describe('staffing plan', () => {
    it('forecasts each interval from the same weekday of the previous weeks and staffs it by Erlang C', async () => {
      const targets = { targetServiceLevel: 0.8, targetAnswerTimeSeconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 };
      const { intervals } = (await call(async (cb) => clients.staffing.staffingPlan({ day: ts(DAY_START + 7 * 86_400_000), weeks: 1, ...targets }, await metadataFor(['supervisor']), cb))) as { intervals: Row[] };
      const nine = intervals.find((i) => (i.intervalStart as Row).seconds === T0 / 1000 + 7 * 86_400)!;

      // 09:00 last Monday: 8 visits (billing 6, tech 1, sales 1), 1 short abandon → 7; handled there: c1 (360 s),
      // c2 (210 s), c6 first leg (300 s), c7 (305 s) → AHT 1,175 / 4 s.
      expect(intervals).toHaveLength(96);
      expect(nine).toMatchObject({ forecastContacts: 7, forecastAhtSeconds: 1175 / 4 });
      const expected = requiredAgents({ callsPerInterval: 7, intervalSeconds: 900, ahtSeconds: 1175 / 4, ...targets });
      expect(nine).toMatchObject({ rawAgents: expected.rawAgents, agentsWithShrinkage: expected.agentsWithShrinkage });
    });
  });

  describe('tenant KPI settings', () => {
    it('switches the service-level variant for the tenant and refuses bad settings', async () => {
      const admin = await metadataFor(['tenant-admin']);
      const supervisor = await metadataFor(['supervisor']);
      const updated = await call((cb) =>
        clients.settings.updateKpiSettings({ settings: { serviceLevelVariant: reportingV1.ServiceLevelVariant.SERVICE_LEVEL_VARIANT_ABANDONS_IGNORED } }, admin, cb),
      );
      const { rows } = (await call((cb) => clients.historical.getMetrics({ ...day, groupBy: BY_QUEUE, queueIds: ['billing'] }, supervisor, cb))) as { rows: Row[] };
      const bySupervisor = await failure((cb) => clients.settings.updateKpiSettings({ settings: {} }, supervisor, cb));
      const bad = await failure((cb) => clients.settings.updateKpiSettings({ settings: { serviceLevelVariant: 9 } }, admin, cb));
      const badZone = await failure((cb) => clients.settings.updateKpiSettings({ settings: { timeZone: 'Europe/Atlantis' } }, admin, cb));
      const badWeek = await failure((cb) => clients.settings.updateKpiSettings({ settings: { firstDayOfWeek: 8 } }, admin, cb));

      // Defaults documented: 20 s, 5 s short abandons, 7 days, 1 h lateness, chat 60 s, email 4 h, UTC, weeks from Monday.
      expect(updated.settings).toEqual({
        serviceLevelVariant: reportingV1.ServiceLevelVariant.SERVICE_LEVEL_VARIANT_ABANDONS_IGNORED,
        serviceLevelThresholdMs: 20_000,
        shortAbandonThresholdMs: 5_000,
        fcrWindowMs: 7 * 86_400_000,
        latenessMs: 3_600_000,
        chatFirstResponseSlaMs: 60_000,
        emailFirstResponseSlaMs: 14_400_000,
        timeZone: 'UTC',
        firstDayOfWeek: 1,
      });
      // Variant 1 for billing today: answered within 20 s c1, c6 of c1, c2, c6, c20 (30 s) → 2 / 4.
      expect(rows[0].serviceLevel).toBe(0.5);
      expect(rows[0].final).toBe(true);
      expect(bySupervisor.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(bad.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(badZone.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(badZone.details).toMatch(/timeZone Europe\/Atlantis is not an IANA time zone/);
      expect(badWeek.code).toBe(grpc.status.INVALID_ARGUMENT);
    });
  });
});
