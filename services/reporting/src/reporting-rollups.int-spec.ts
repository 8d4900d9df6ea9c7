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
import { isLocalDayStart, rollupBounds } from './domain/facts/local-calendar';
import { TenantContext, withTenantTransaction } from '@contactcenter/tenancy';
import { IngestFactsUseCase } from './app/ingest-facts/ingest-facts.use-case';
import { ReportingSettingsUseCase } from './app/kpi-settings/kpi-settings.use-case';
import { TenantKpiSettings } from './app/kpi-settings/tenant-kpi-settings';
import type { ReportingFact } from './domain/facts/reporting-fact';
import { DEFAULT_KPI_SETTINGS } from './domain/kpi/kpi-settings';
import { IntervalAggregateRepository } from './persistence/interval-aggregate.repository';
import { REPORTING_MIGRATIONS } from './persistence/reporting.migrations';
import { ReportingModule } from './reporting.module';
import { startReportingGrpcHost } from './testing/reporting-grpc.host';

type Callback<T> = (error: grpc.ServiceError | null, response?: T) => void;
type Row = Record<string, unknown>;
type Unary = (request: unknown, metadata: grpc.Metadata, cb: Callback<Row>) => void;
type Clients = {
  historical: grpc.Client & { getMetrics: Unary; getAgentTimeline: Unary };
  staffing: grpc.Client & { staffingPlan: Unary };
  settings: grpc.Client & { updateKpiSettings: Unary; setAgentTeam: Unary };
  schedule: grpc.Client & { createShift: Unary; updateShift: Unary; deleteShift: Unary; listShifts: Unary };
};

const quiet = { warn: () => undefined, error: (message: string, context?: unknown) => console.error(message, context) };
const S = 1000;
const H = 3_600_000;
const BERLIN = 'Europe/Berlin';
const utc = (iso: string) => Date.parse(`${iso}Z`);
const ts = (ms: number) => toTimestamp(new Date(ms));
const call = (fn: (cb: Callback<Row>) => void) => new Promise<Row>((resolve, reject) => fn((e, r) => (e ? reject(e) : resolve(r!))));
const failure = (fn: (cb: Callback<Row>) => void) => new Promise<grpc.ServiceError>((resolve) => fn((e) => resolve(e!)));
const millis = (timestamp: unknown) => Number((timestamp as { seconds: number }).seconds) * 1000;
const { GRANULARITY_INTERVAL: INTERVAL, GRANULARITY_DAY: DAY, GRANULARITY_MONTH: MONTH } = reportingV1.Granularity;
const { GROUP_BY_TENANT: BY_TENANT, GROUP_BY_AGENT: BY_AGENT, GROUP_BY_TEAM: BY_TEAM } = reportingV1.GroupBy;
const COUNTERS = ['offered', 'answered', 'answeredWithinThreshold', 'abandoned', 'handled', 'talkMs', 'queueMs', 'handlingMs', 'availableMs', 'scheduledMs'] as const;

/** March 2025 in Berlin: 1 March 00:00 CET (28 Feb 23:00 UTC) to 1 April 00:00 CEST (31 March 22:00 UTC). */
const MARCH_START = utc('2025-02-28T23:00:00');
const MARCH_END = utc('2025-03-31T22:00:00');
/** Berlin days around the spring change: the 29th (24 h), the 30th (23 h), the 31st. */
const DAY_29 = utc('2025-03-28T23:00:00');
const DAY_30 = utc('2025-03-29T23:00:00');
const DAY_31 = utc('2025-03-30T22:00:00');

// Day and month roll-ups in a tenant's zone (Europe/Berlin, across the spring change) equal the
// sum of their 15-minute intervals; the daily roll-ups are rebuilt as Berlin days when the tenant
// changes its zone; agent shifts give utilization per agent and team; the agent timeline and the
// staffing plan follow Berlin days and wall-clock intervals. Real Kafka, Postgres, gRPC.
describe(`${ReportingModule.name} roll-ups in the tenant's zone and utilization`, () => {
  const workspaceId = newWorkspaceId();
  const tenantId = newTenantId();
  const [a1, a2] = [randomUUID(), randomUUID()];
  let db: TestDatabase;
  let dataSource: DataSource;
  let idp: DevIdentityProvider;
  let bus: KafkaEventBus;
  let app: INestApplication;
  let clients: Clients;
  let published = 0;
  let shiftId = '';
  const topics: Record<string, string> = Object.fromEntries(REPORTING_TOPICS.map((topic) => [topic, uniqueTopic(topic)]));

  function event<T>(definition: EventDefinition<T>, payload: T): EventRecord {
    return { id: randomUUID(), type: definition.type, topic: topics[definition.topic], key: workspaceId, time: new Date(MARCH_START), workspaceId, tenantId, payload: definition.codec.encode(payload).finish() };
  }

  async function metadataFor(roles: Role[], subject = randomUUID()): Promise<grpc.Metadata> {
    const token = await idp.issueToken({ subject, workspaceId, tenants: [tenantId], roles });
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('x-tenant-id', tenantId);
    return metadata;
  }

  async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: db.url('admin') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  async function publishAndWait(events: EventRecord[]): Promise<void> {
    await bus.publish(events);
    published += events.length;
    await admin(async (client) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE tenant_id = $1', [tenantId]);
        if (rows[0].n >= published) return;
        if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${published} events ingested`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
  }

  async function metrics(request: Row, roles: Role[] = ['supervisor']): Promise<Row[]> {
    const metadata = await metadataFor(roles);
    return ((await call((cb) => clients.historical.getMetrics({ groupBy: BY_TENANT, ...request }, metadata, cb))) as { rows: Row[] }).rows;
  }

  const voice = commonV1.Channel.CHANNEL_VOICE;
  const queued = (id: string, atMs: number) => event(Events.InteractionQueued, { interactionId: id, tenantId, queueId: 'billing', channel: voice, queuedAt: ts(atMs) });
  /** Queued at `atMs`, answered by a1 after `waitS`, talk `talkS`. */
  const answered = (id: string, atMs: number, waitS: number, talkS: number) => [
    queued(id, atMs),
    event(Events.InteractionAssigned, { interactionId: id, tenantId, queueId: 'billing', agentId: a1, assignedAt: ts(atMs + waitS * S), queueTimeMs: waitS * S }),
    event(Events.InteractionCompleted, { interactionId: id, tenantId, agentId: a1, completedAt: ts(atMs + (waitS + talkS) * S) }),
  ];
  const state = (s: agentV1.AgentState, atMs: number) =>
    event(Events.AgentStateChanged, { agentId: a1, workspaceId, previousState: agentV1.AgentState.AGENT_STATE_UNSPECIFIED, state: s, reasonCode: '', changedAt: ts(atMs) });
  const { AGENT_STATE_AVAILABLE: AVAILABLE, AGENT_STATE_ON_CONTACT: ON_CONTACT, AGENT_STATE_OFFLINE: OFFLINE } = agentV1.AgentState;

  beforeAll(async () => {
    db = await createTestDatabase('reporting_rollups');
    dataSource = await migrateAndConnect(db, REPORTING_MIGRATIONS);
    idp = await DevIdentityProvider.start();
    bus = new KafkaEventBus({ brokers: stackEndpoints().kafkaBrokers, clientId: 'reporting-rollups-spec', logger: quiet });

    const host = await startReportingGrpcHost('reporting-rollups-spec', idp, { dataSource, eventBus: bus, consumerGroup: uniqueGroup('reporting-rollups'), topics: Object.values(topics) });
    app = host.app;
    clients = { historical: host.client('HistoricalMetricsService'), settings: host.client('ReportingSettingsService'), schedule: host.client('AgentScheduleService'), staffing: host.client('StaffingService') };

    // Counted while the tenant is on UTC: c1 (23:30 CET on the 29th) and c2 (00:10 CET on the 30th)
    // share the UTC day of the 29th, c5 is mid-month.
    await publishAndWait([...answered('c1', utc('2025-03-29T22:30:00'), 10, 300), ...answered('c2', utc('2025-03-29T23:10:00'), 30, 300), ...answered('c5', utc('2025-03-15T12:00:00'), 5, 60)]);
    const tenantAdmin = await metadataFor(['tenant-admin']);
    await call((cb) => clients.settings.updateKpiSettings({ settings: { timeZone: BERLIN } }, tenantAdmin, cb));
    // Counted in Berlin days: c3 enters at 23:50 CEST on the 30th and ends at 00:00:20 on the 31st; c4 abandons after 40 s at 00:05.
    // a1 is available from 23:00 CEST on the 30th, on c3 from 23:50:20 to 00:00:20, offline at 01:00.
    await publishAndWait([
      ...answered('c3', utc('2025-03-30T21:50:00'), 20, 580),
      queued('c4', utc('2025-03-30T22:05:00')),
      event(Events.InteractionAbandoned, { interactionId: 'c4', tenantId, queueId: 'billing', abandonedAt: ts(utc('2025-03-30T22:05:40')), queueTimeMs: 40 * S }),
      state(AVAILABLE, utc('2025-03-30T21:00:00')),
      state(ON_CONTACT, utc('2025-03-30T21:50:20')),
      state(AVAILABLE, utc('2025-03-30T22:00:20')),
      state(OFFLINE, utc('2025-03-30T23:00:00')),
    ]);
    const supervisor = await metadataFor(['supervisor']);
    await call((cb) => clients.settings.setAgentTeam({ agentIds: [a1], teamId: 'night' }, supervisor, cb));
    // a1's paid shift: 23:00 CEST on the 30th to 01:00 on the 31st, one hour on each Berlin day.
    const created = await call((cb) => clients.schedule.createShift({ agentId: a1, startTime: ts(utc('2025-03-30T21:00:00')), endTime: ts(utc('2025-03-30T23:00:00')) }, supervisor, cb));
    shiftId = (created.shift as Row).shiftId as string;
  });

  afterAll(async () => {
    for (const c of Object.values(clients ?? {})) c.close();
    await app?.close();
    await bus?.close();
    await idp?.close();
    await dataSource?.destroy();
    await db?.drop();
  });

  const march = { startTime: ts(MARCH_START), endTime: ts(MARCH_END) };

  it("cuts days at Berlin midnight across the spring change, after rebuilding the daily roll-ups in the tenant's zone", async () => {
    const days = await metrics({ ...march, granularity: DAY });
    const byDay = new Map(days.map((row) => [millis(row.bucketStart), row]));

    expect([...byDay.keys()]).toEqual([utc('2025-03-14T23:00:00'), DAY_29, DAY_30, DAY_31]);
    // The 29th: c1. The 30th (23 h): c2 offered and handled, c3 offered (its handling ends on the 31st).
    // The 31st: c3 handled, c4 abandoned after 40 s (not short).
    expect(COUNTERS.map((c) => byDay.get(DAY_29)![c])).toEqual([1, 1, 1, 0, 1, 300 * S, 10 * S, 0, 0, 0]);
    expect(COUNTERS.map((c) => byDay.get(DAY_30)![c])).toEqual([2, 2, 1, 0, 1, 300 * S, 50 * S, 580 * S, 3020 * S, 3600 * S]);
    expect(COUNTERS.map((c) => byDay.get(DAY_31)![c])).toEqual([1, 0, 0, 1, 1, 580 * S, 0, 20 * S, 3580 * S, 3600 * S]);

    // The daily roll-ups now hold Berlin days (c1 and c2 were first counted on one UTC day).
    const stored = await admin((client) =>
      client.query<{ day_ms: string; zone: string }>(
        `SELECT (extract(epoch FROM d.day_start) * 1000)::bigint AS day_ms, z.time_zone AS zone
           FROM daily_aggregates d JOIN daily_rollup_zones z USING (tenant_id) WHERE d.tenant_id = $1`,
        [tenantId],
      ),
    );
    expect(stored.rows.length).toBeGreaterThan(0);
    expect(new Set(stored.rows.map((row) => row.zone))).toEqual(new Set([BERLIN]));
    expect(stored.rows.every((row) => isLocalDayStart(Number(row.day_ms), BERLIN))).toBe(true);
  });

  it('gives day and month figures equal to the sum of their 15-minute intervals', async () => {
    const [intervals, days, [month]] = await Promise.all([metrics({ ...march, granularity: INTERVAL }), metrics({ ...march, granularity: DAY }), metrics({ ...march, granularity: MONTH })]);
    const bounds = rollupBounds(MARCH_START, MARCH_END, 'day', { timeZone: BERLIN, firstDayOfWeek: 1 });
    const summed = new Map<number, Record<string, number>>();
    for (const row of intervals) {
      const start = millis(row.bucketStart);
      const day = bounds.filter((bound) => bound <= start).pop()!;
      const sums = summed.get(day) ?? Object.fromEntries(COUNTERS.map((c) => [c, 0]));
      for (const c of COUNTERS) sums[c] += Number(row[c]);
      summed.set(day, sums);
    }

    expect(days.map((row) => [millis(row.bucketStart), Object.fromEntries(COUNTERS.map((c) => [c, row[c]]))])).toEqual([...summed.entries()].sort(([a], [b]) => a - b));
    expect(millis(month.bucketStart)).toBe(MARCH_START);
    expect(Object.fromEntries(COUNTERS.map((c) => [c, month[c]]))).toEqual(
      Object.fromEntries(COUNTERS.map((c) => [c, intervals.reduce((total, row) => total + Number(row[c]), 0)])),
    );
    // March in Berlin is 743 hours: 31 days less the hour skipped on the 30th.
    expect((MARCH_END - MARCH_START) / H).toBe(743);
  });

  it("gives an agent's state changes per Berlin day, with the state the day began in", async () => {
    const supervisor = await metadataFor(['supervisor']);
    const { AGENT_ACTIVITY_ON_CONTACT: ACTIVITY_ON_CONTACT, AGENT_ACTIVITY_AVAILABLE: ACTIVITY_AVAILABLE, AGENT_ACTIVITY_OFFLINE: ACTIVITY_OFFLINE, AGENT_ACTIVITY_UNSPECIFIED: ACTIVITY_UNSPECIFIED } =
      reportingV1.AgentActivity;
    const timeline = (dayMs: number) => call((cb) => clients.historical.getAgentTimeline({ agentId: a1, day: ts(dayMs) }, supervisor, cb));
    const changes = (day: Row) => (day.changes as Row[]).map((change) => [change.activity, millis(change.changedAt)]);

    // 22:30 UTC on the 30th is already the 31st in Berlin; every change of a1 falls on the UTC 30th.
    const [the30th, the31st] = await Promise.all([timeline(utc('2025-03-30T12:00:00')), timeline(utc('2025-03-30T22:30:00'))]);

    // The 30th (23 h): available at 23:00 CEST, on c3 at 23:50:20; nothing known before it.
    expect([millis(the30th.dayStart), millis(the30th.dayEnd)]).toEqual([DAY_30, DAY_31]);
    expect(the30th.stateAtStart).toBe(ACTIVITY_UNSPECIFIED);
    expect(changes(the30th)).toEqual([
      [ACTIVITY_AVAILABLE, utc('2025-03-30T21:00:00')],
      [ACTIVITY_ON_CONTACT, utc('2025-03-30T21:50:20')],
    ]);
    // The 31st begins with a1 on c3, available at 00:00:20, offline at 01:00.
    expect(millis(the31st.dayStart)).toBe(DAY_31);
    expect(the31st.stateAtStart).toBe(ACTIVITY_ON_CONTACT);
    expect(changes(the31st)).toEqual([
      [ACTIVITY_AVAILABLE, utc('2025-03-30T22:00:20')],
      [ACTIVITY_OFFLINE, utc('2025-03-30T23:00:00')],
    ]);
  });

  it('plans a Berlin day from the same wall-clock intervals of the weeks before, across the autumn change', async () => {
    /** `n` contacts queued in the 15 minutes from `atMs`, each answered after 10 s and talked for 300 s. */
    const contacts = (prefix: string, atMs: number, n: number) => Array.from({ length: n }, (_, i) => answered(`${prefix}-${i}`, atMs + i * 10 * S, 10, 300)).flat();
    await publishAndWait([
      // 09:00 CEST on Sunday 19 October (07:00 UTC) and 09:00 CET on Sunday 26 October (08:00 UTC).
      ...contacts('nine-19', utc('2025-10-19T07:00:00'), 2),
      ...contacts('nine-26', utc('2025-10-26T08:00:00'), 4),
      // 10:00 CEST on the 19th is 08:00 UTC: a plan in UTC days would have mixed it into 09:00 CET.
      ...contacts('ten-19', utc('2025-10-19T08:00:00'), 6),
      // 02:15 on the 19th (CEST), and on the 26th twice: 02:15 CEST (00:15 UTC) and 02:15 CET (01:15 UTC).
      ...contacts('two-19', utc('2025-10-19T00:15:00'), 1),
      ...contacts('two-26-cest', utc('2025-10-26T00:15:00'), 2),
      ...contacts('two-26-cet', utc('2025-10-26T01:15:00'), 4),
    ]);
    const supervisor = await metadataFor(['supervisor']);
    const targets = { targetServiceLevel: 0.8, targetAnswerTimeSeconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 };
    const plan = async (dayMs: number, weeks: number) =>
      ((await call((cb) => clients.staffing.staffingPlan({ day: ts(dayMs), weeks, queueIds: ['billing'], ...targets }, supervisor, cb))).intervals as Row[]).map((interval) => ({
        ...interval,
        startMs: millis(interval.intervalStart),
      }));
    const forecastAt = (intervals: { startMs: number; forecastContacts?: unknown }[], iso: string) => intervals.find((interval) => interval.startMs === utc(iso))!.forecastContacts;

    const sunday = await plan(utc('2025-11-02T12:00:00'), 2);

    // Sunday 2 November in Berlin (CET): 23:00 UTC on the 1st, 96 intervals.
    expect(sunday).toHaveLength(96);
    expect(sunday[0].startMs).toBe(utc('2025-11-01T23:00:00'));
    // 09:00 CET (08:00 UTC): (2 + 4) / 2; 10:00 CET: (6 + 0) / 2; 02:15 CET: (1 + the mean of 2 and 4) / 2.
    expect(forecastAt(sunday, '2025-11-02T08:00:00')).toBe(3);
    expect(forecastAt(sunday, '2025-11-02T09:00:00')).toBe(3);
    expect(forecastAt(sunday, '2025-11-02T01:15:00')).toBe(2);
    expect(sunday.find((interval) => interval.startMs === utc('2025-11-02T08:00:00'))).toMatchObject({ forecastAhtSeconds: 300 });

    // The autumn day itself has 100 intervals, and 02:15 twice, each forecast from 02:15 CEST on the 19th.
    const autumn = await plan(utc('2025-10-26T12:00:00'), 1);
    expect(autumn).toHaveLength(100);
    expect([forecastAt(autumn, '2025-10-26T00:15:00'), forecastAt(autumn, '2025-10-26T01:15:00')]).toEqual([1, 1]);
  });

  it('computes utilization per agent and team from the shifts, absent without scheduled time', async () => {
    const range = { startTime: ts(DAY_30), endTime: ts(utc('2025-03-31T22:00:00')), granularity: DAY };
    const [byAgent, byTeam] = await Promise.all([metrics({ ...range, groupBy: BY_AGENT, agentIds: [a1] }), metrics({ ...range, groupBy: BY_TEAM })]);
    // 30th: handling 23:50:20-24:00 = 580 s of 3,600 s paid. 31st: handling 00:00:00-00:00:20 = 20 s of 3,600 s.
    for (const rows of [byAgent, byTeam]) {
      expect(rows.map((row) => [millis(row.bucketStart), row.handlingMs, row.scheduledMs, row.utilization])).toEqual([
        [DAY_30, 580 * S, 3600 * S, 580 / 3600],
        [DAY_31, 20 * S, 3600 * S, 20 / 3600],
      ]);
    }
    expect(byTeam.map((row) => row.groupKey)).toEqual(['night', 'night']);

    const supervisor = await metadataFor(['supervisor']);
    // Moved to 00:30-01:00 CEST on the 31st: the 30th has no paid time left, the 31st half an hour.
    await call((cb) =>
      clients.schedule.updateShift({ shift: { shiftId, agentId: a1, startTime: ts(utc('2025-03-30T22:30:00')), endTime: ts(utc('2025-03-30T23:00:00')) } }, supervisor, cb),
    );
    const moved = await metrics({ ...range, groupBy: BY_AGENT, agentIds: [a1] });
    expect(moved.map((row) => [row.scheduledMs, row.utilization ?? null])).toEqual([
      [0, null],
      [1800 * S, 20 / 1800],
    ]);

    await call((cb) => clients.schedule.deleteShift({ shiftId }, supervisor, cb));
    const deleted = await metrics({ ...range, groupBy: BY_AGENT, agentIds: [a1] });
    expect(deleted.map((row) => [row.scheduledMs, row.utilization ?? null])).toEqual([
      [0, null],
      [0, null],
    ]);
  });

  it('lets supervisors plan shifts and agents read only their own', async () => {
    const supervisor = await metadataFor(['supervisor']);
    const agent = await metadataFor(['agent'], a2);
    const shift = { agentId: a2, startTime: ts(utc('2025-03-10T08:00:00')), endTime: ts(utc('2025-03-10T16:00:00')) };
    await call((cb) => clients.schedule.createShift(shift, supervisor, cb));
    await call((cb) => clients.schedule.createShift({ agentId: a1, startTime: shift.startTime, endTime: shift.endTime }, supervisor, cb));
    const listRange = { startTime: ts(utc('2025-03-10T00:00:00')), endTime: ts(utc('2025-03-11T00:00:00')) };

    const own = await call((cb) => clients.schedule.listShifts(listRange, agent, cb));
    const all = await call((cb) => clients.schedule.listShifts(listRange, supervisor, cb));
    const others = await failure((cb) => clients.schedule.listShifts({ ...listRange, agentIds: [a1] }, agent, cb));
    const byAgent = await failure((cb) => clients.schedule.createShift({ ...shift, startTime: ts(utc('2025-03-11T08:00:00')), endTime: ts(utc('2025-03-11T09:00:00')) }, agent, cb));
    const overlap = await failure((cb) => clients.schedule.createShift({ ...shift, startTime: ts(utc('2025-03-10T15:00:00')), endTime: ts(utc('2025-03-10T17:00:00')) }, supervisor, cb));
    const reversed = await failure((cb) => clients.schedule.createShift({ ...shift, startTime: shift.endTime, endTime: shift.startTime }, supervisor, cb));
    const unknown = await failure((cb) => clients.schedule.deleteShift({ shiftId: randomUUID() }, supervisor, cb));

    expect((own.shifts as Row[]).map((row) => row.agentId)).toEqual([a2]);
    expect((all.shifts as Row[]).map((row) => row.agentId).sort()).toEqual([a1, a2].sort());
    expect(others.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(byAgent.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(overlap.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(overlap.details).toMatch(/^shift-overlaps/);
    expect(reversed.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(unknown.code).toBe(grpc.status.NOT_FOUND);
  });

  it('migrates down to UTC daily roll-ups and up again', async () => {
    const scratch = await createTestDatabase('reporting_down');
    const owner = new DataSource({ type: 'postgres', url: scratch.url('owner'), migrations: REPORTING_MIGRATIONS });
    await owner.initialize();
    const zoned = 'zoned-tenant';
    const asTenant = <T>(work: (manager: DataSource['manager']) => Promise<T>) =>
      owner.transaction(async (manager) => {
        await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [zoned]);
        return work(manager);
      });
    const days = () => asTenant(async (manager) => (await manager.query(`SELECT (extract(epoch FROM day_start) * 1000)::bigint AS ms, offered FROM daily_aggregates ORDER BY 1`)) as { ms: string; offered: string }[]);
    try {
      await owner.runMigrations();
      // 22:30 and 23:30 UTC on 29 March: two Berlin days, one UTC day.
      await asTenant(async (manager) => {
        await manager.query(
          `INSERT INTO interval_aggregates (tenant_id, interval_start, queue_id, channel, agent_id, offered)
           VALUES ($1, '2025-03-29T22:30:00Z', 'q', 'voice', '', 1), ($1, '2025-03-29T23:30:00Z', 'q', 'voice', '', 2)`,
          [zoned],
        );
        await new IntervalAggregateRepository().rebuildDaily(manager, zoned, BERLIN);
      });
      expect((await days()).map(({ ms, offered }) => [Number(ms), Number(offered)])).toEqual([
        [DAY_29, 1],
        [DAY_30, 2],
      ]);

      await owner.undoLastMigration();
      expect((await owner.query(`SELECT to_regclass('agent_shifts') AS s, to_regclass('daily_rollup_zones') AS z`))[0]).toEqual({ s: null, z: null });
      expect((await days()).map(({ ms, offered }) => [Number(ms), Number(offered)])).toEqual([[Date.UTC(2025, 2, 29), 3]]);

      await owner.runMigrations();
      const sealed = await owner.query(`SELECT relname FROM pg_class WHERE relrowsecurity AND relforcerowsecurity AND relname = ANY($1)`, [['agent_shifts', 'daily_rollup_zones']]);
      expect(sealed).toHaveLength(2);
    } finally {
      await owner.destroy();
      await scratch.drop();
    }
  });

  it('lets a zone change wait for a batch in flight, so no day of the old zone survives the rebuild', async () => {
    const scope = { workspaceId, tenantId: newTenantId() };
    const settings = new TenantKpiSettings(DEFAULT_KPI_SETTINGS);
    const ingest = new IngestFactsUseCase(settings);
    const contact = (id: string, atMs: number): ReportingFact[] => [
      { kind: 'queued', interactionId: id, queueId: 'q', channel: 'voice', at: atMs },
      { kind: 'answered', interactionId: id, queueId: 'q', agentId: a1, at: atMs + 10 * S, queueTimeMs: 10 * S },
    ];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const inFlight = new Promise<void>((resolve) => (written = resolve));
    // A batch at 22:30 UTC (23:30 CET on the 29th, the UTC 29th) holds its transaction open.
    const batch = TenantContext.run(scope, () =>
      withTenantTransaction(dataSource, async (manager) => {
        await ingest.execute(manager, scope.tenantId, contact('z1', utc('2025-03-29T22:30:00')));
        written();
        await gate;
      }),
    );
    await inFlight;
    let changed = false;
    const change = TenantContext.run(scope, () => new ReportingSettingsUseCase(dataSource, settings).replace(scope.tenantId, { timeZone: BERLIN })).then(() => (changed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changed).toBe(false);
    release();
    await Promise.all([batch, change]);
    // After the change: 23:10 UTC, 00:10 CEST on the 30th.
    await TenantContext.run(scope, () => withTenantTransaction(dataSource, (manager) => ingest.execute(manager, scope.tenantId, contact('z2', utc('2025-03-29T23:10:00')))));

    const { rows } = await admin((client) =>
      client.query<{ day_ms: string; offered: string; expected: string }>(
        `SELECT (extract(epoch FROM d.day_start) * 1000)::bigint AS day_ms, d.offered,
                (SELECT sum(i.offered) FROM interval_aggregates i WHERE i.tenant_id = d.tenant_id AND date_trunc('day', i.interval_start, $2) = d.day_start) AS expected
           FROM tenant_daily_aggregates d WHERE d.tenant_id = $1 ORDER BY 1`,
        [scope.tenantId, BERLIN],
      ),
    );
    expect(rows.map((row) => [Number(row.day_ms), Number(row.offered), Number(row.expected)])).toEqual([
      [DAY_29, 1, 1],
      [DAY_30, 1, 1],
    ]);
  });
});
