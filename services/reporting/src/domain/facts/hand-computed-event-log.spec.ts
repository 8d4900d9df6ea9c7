import { IntervalKpiAccumulator, type IntervalKpiReading } from '../kpi/interval-kpis.accumulator';
import { DEFAULT_KPI_SETTINGS, kpiSettings, type KpiSettings } from '../kpi/kpi-settings';
import { sumsOf } from './aggregate-counters';
import { timelineSpans } from './agent-timeline';
import { applyInteractionFact, emptyInteractionRecord, type InteractionRecord } from './interaction-record';
import { INTERVAL_MS } from './interval-bucket';
import { AggregateDeltas, type AggregateKey, agentSpanContributions, type Contribution, customerFcrContributions, interactionContributions } from './interval-contributions';
import type { AgentStateFact, InteractionFact, ReportingFact } from './reporting-fact';
import { type AgentShift, shiftContributions } from '../schedule/agent-shift';

// A hand-computed event log of one tenant. Monday 2025-01-06 from 09:00 UTC (T0), plus returns
// of the same customers on later days. Defaults: SL 20 s, short abandon ≤ 5 s, FCR window 7 days,
// first response SLA chat 60 s / email 4 h.
const TENANT = 'northwind';
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const DAY = 24 * H;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const t = (minutes: number, seconds = 0, days = 0) => T0 + days * DAY + minutes * M + seconds * S;

const queued = (id: string, queueId: string, channel: 'voice' | 'chat' | 'email', at: number): InteractionFact => ({ kind: 'queued', interactionId: id, queueId, channel, at });
const answered = (id: string, queueId: string, agentId: string, at: number, waitMs: number): InteractionFact => ({ kind: 'answered', interactionId: id, queueId, agentId, at, queueTimeMs: waitMs });
const abandoned = (id: string, queueId: string, at: number, waitMs: number): InteractionFact => ({ kind: 'abandoned', interactionId: id, queueId, at, queueTimeMs: waitMs });
const completed = (id: string, agentId: string, at: number, holdMs?: number): InteractionFact => ({ kind: 'completed', interactionId: id, agentId, at, ...(holdMs === undefined ? {} : { holdMs }) });
const call = (kind: 'call-held' | 'call-resumed' | 'call-ended', id: string, at: number): InteractionFact => ({ kind, interactionId: id, callId: `call-${id}`, at });
const wrapped = (id: string, agentId: string, at: number): InteractionFact => ({ kind: 'wrapped-up', interactionId: id, agentId, at });
const linked = (id: string, customerId: string, caseId?: string): InteractionFact => ({ kind: 'customer-linked', interactionId: id, customerId, ...(caseId ? { caseId } : {}), at: t(0) });
const survey = (id: string, scores: { csat?: number; nps?: number; ces?: number }): InteractionFact => ({ kind: 'survey', interactionId: id, surveyId: `s-${id}`, scores });
const state = (activity: AgentStateFact['activity'], at: number, reason = ''): AgentStateFact => ({ kind: 'agent-state', agentId: 'a1', activity, reason, at, eventId: `e-${at}` });

const LOG: ReportingFact[] = [
  // c1 billing voice: waits 10 s (within), a1 talks 09:00:10-09:05:10 with 30 s hold → talk 270 s,
  // ACW to 09:06:10 → 60 s. Customer K1, case X1. Survey CSAT 5, NPS 10, CES 2. The completion
  // states hold_ms 30 s, which overrides the gateway's hold of 09:02:00-09:02:45 (45 s).
  queued('c1', 'billing', 'voice', t(0)), answered('c1', 'billing', 'a1', t(0, 10), 10 * S), completed('c1', 'a1', t(5, 10), 30 * S), wrapped('c1', 'a1', t(6, 10)),
  call('call-held', 'c1', t(2)), call('call-resumed', 'c1', t(2, 45)),
  linked('c1', 'K1', 'X1'), survey('c1', { csat: 5, nps: 10, ces: 2 }),
  // c2 billing voice: waits 30 s (after Y), a2 talks 180 s, ACW 30 s, ends 09:05:00. Customer K2,
  // no case. Survey CSAT 2, NPS 6.
  queued('c2', 'billing', 'voice', t(1)), answered('c2', 'billing', 'a2', t(1, 30), 30 * S), completed('c2', 'a2', t(4, 30)), wrapped('c2', 'a2', t(5)),
  linked('c2', 'K2'), survey('c2', { csat: 2, nps: 6 }),
  // c3 short abandon (3 s), c4 abandon within Y (15 s), c5 abandon after Y (40 s).
  queued('c3', 'billing', 'voice', t(2)), abandoned('c3', 'billing', t(2, 3), 3 * S),
  queued('c4', 'billing', 'voice', t(3)), abandoned('c4', 'billing', t(3, 15), 15 * S),
  queued('c5', 'billing', 'voice', t(4)), abandoned('c5', 'billing', t(4, 40), 40 * S),
  // c6 billing voice: waits exactly 20 s (within: the limit is included), a3 talks 09:05:20-09:10:20
  // with 60 s hold → talk 240 s, transfers to tech (no ACW: handled at 09:10:20). In tech it waits
  // 10 s, a2 talks 09:10:35-09:20:35 = 600 s, ACW to 09:21:35 = 60 s. Customer K3, case X3.
  // Survey CSAT 4, NPS 8, CES 4 (counted where the contact ended: tech, a2, 09:15 interval).
  // No completion states a hold: the gateway's call events give it. With a3: held 09:06:00-09:06:40
  // (40 s; a second CallHeld at 09:06:10 changes nothing) and 09:09:00-09:09:20 (20 s) → 60 s.
  // With a2: held 09:20:30 and hung up on hold at 09:20:35 → 5 s, so a2 talks 600 − 5 = 595 s
  // (the CallEnded closes the hold; a2 completes at the same moment).
  queued('c6', 'billing', 'voice', t(5)), answered('c6', 'billing', 'a3', t(5, 20), 20 * S), completed('c6', 'a3', t(10, 20)),
  call('call-held', 'c6', t(6)), call('call-held', 'c6', t(6, 10)), call('call-resumed', 'c6', t(6, 40)), call('call-held', 'c6', t(9)), call('call-resumed', 'c6', t(9, 20)),
  call('call-held', 'c6', t(20, 30)), call('call-ended', 'c6', t(20, 35)),
  { kind: 'transferred', interactionId: 'c6', agentId: 'a3', at: t(10, 20) },
  queued('c6', 'tech', 'voice', t(10, 25)), answered('c6', 'tech', 'a2', t(10, 35), 10 * S), completed('c6', 'a2', t(20, 35)), wrapped('c6', 'a2', t(21, 35)),
  linked('c6', 'K3', 'X3'), survey('c6', { csat: 4, nps: 8, ces: 4 }),
  // c7 sales chat: the customer writes 09:07:00, queued 09:07:05, waits 20 s, a1 replies first at
  // 09:08:05 (first response 65 s > 60 s: miss), talk to 09:12:00 = 275 s, ACW 30 s. Customer K1,
  // case X1 again: c1 was not resolved at first contact. Survey NPS 9.
  { kind: 'customer-message', interactionId: 'c7', channel: 'chat', at: t(7) },
  queued('c7', 'sales', 'chat', t(7, 5)), answered('c7', 'sales', 'a1', t(7, 25), 20 * S),
  { kind: 'agent-reply', interactionId: 'c7', at: t(8, 5) }, completed('c7', 'a1', t(12)), wrapped('c7', 'a1', t(12, 30)),
  linked('c7', 'K1', 'X1'), survey('c7', { nps: 9 }),
  // c8 sales email: arrives and queues 09:08:00, waits 22 min (1,320 s), a4 replies and completes at
  // 11:08:00 (first response 2 h ≤ 4 h: hit; talk 1 h 38 min = 5,880 s, handled in the 11:00 interval). Customer K4.
  { kind: 'customer-message', interactionId: 'c8', channel: 'email', at: t(8) },
  queued('c8', 'sales', 'email', t(8)), answered('c8', 'sales', 'a4', t(30), 22 * M),
  { kind: 'agent-reply', interactionId: 'c8', at: t(128) }, completed('c8', 'a4', t(128)), linked('c8', 'K4'),
  // c9: K2 again, 8 days later (outside the 7-day window after c2 ended): c2 stays resolved.
  queued('c9', 'billing', 'voice', t(0, 0, 8)), answered('c9', 'billing', 'a1', t(0, 5, 8), 5 * S), completed('c9', 'a1', t(2, 5, 8)), linked('c9', 'K2'),
  // c10: K3 on case X3 two days later, but a short abandon (2 s): no return.
  queued('c10', 'billing', 'voice', t(60, 0, 2)), abandoned('c10', 'billing', t(60, 2, 2), 2 * S), linked('c10', 'K3', 'X3'),
  // c11: K3 on case X3 three days later, answered: within the window, so c6's last leg was repeated.
  queued('c11', 'billing', 'voice', t(60, 0, 3)), answered('c11', 'billing', 'a1', t(60, 5, 3), 5 * S), completed('c11', 'a1', t(65, 5, 3)), linked('c11', 'K3', 'X3'),
  // Agent a1: available 09:00:00, on contact 09:00:10, ACW 09:05:10, available 09:06:10, on contact
  // 09:07:25, ACW 09:12:00, available 09:12:30, away (break) 09:20, offline 09:30.
  state('available', t(0)), state('on-contact', t(0, 10)), state('after-contact-work', t(5, 10)), state('available', t(6, 10)),
  state('on-contact', t(7, 25)), state('after-contact-work', t(12)), state('available', t(12, 30)), state('away', t(20), 'break'), state('offline', t(30)),
];

// Paid shifts (AgentScheduleService): a1 08:55-09:35 (2,400 s: 300 s in the 08:45 interval, 900 s
// in 09:00, 900 s in 09:15, 300 s in 09:30); a2 09:00-09:30 (1,800 s). a2 has no timeline events.
const SHIFTS: AgentShift[] = [
  { shiftId: 'sh1', agentId: 'a1', startMs: t(-5), endMs: t(35) },
  { shiftId: 'sh2', agentId: 'a2', startMs: t(0), endMs: t(30) },
];

/** Aggregates as the ingest use case (and the schedule use case, for SHIFTS) builds them, from the facts in the order given. */
function aggregate(facts: readonly ReportingFact[], settings: KpiSettings): Contribution[] {
  const accumulator = new IntervalKpiAccumulator(settings);
  const records = new Map<string, InteractionRecord>();
  const changes: AgentStateFact[] = [];
  for (const fact of facts) {
    if (fact.kind === 'agent-state') changes.push(fact);
    else records.set(fact.interactionId, applyInteractionFact(records.get(fact.interactionId) ?? emptyInteractionRecord(fact.interactionId), fact));
  }
  const deltas = new AggregateDeltas();
  for (const record of records.values()) deltas.add(interactionContributions(record, accumulator, TENANT));
  const byCustomer = new Map<string, InteractionRecord[]>();
  for (const record of records.values()) if (record.customerId) byCustomer.set(record.customerId, [...(byCustomer.get(record.customerId) ?? []), record]);
  for (const customerRecords of byCustomer.values()) deltas.add(customerFcrContributions(customerRecords, accumulator, settings, TENANT));
  const unique = [...new Map(changes.map((c) => [c.eventId, c])).values()];
  for (const span of timelineSpans(unique)) deltas.add(agentSpanContributions(span, accumulator, TENANT));
  for (const shift of SHIFTS) deltas.add(shiftContributions(shift, accumulator, TENANT));
  return deltas.toList();
}

/** The KPIs of the aggregate rows matching `where`, read as GetMetrics reads them. */
function read(rows: readonly Contribution[], settings: KpiSettings, where: (key: AggregateKey) => boolean): IntervalKpiReading & { sums: ReturnType<IntervalKpiAccumulator['empty']> } {
  const accumulator = new IntervalKpiAccumulator(settings);
  const sums = rows.filter((row) => where(row.key)).reduce((total, row) => accumulator.merge(total, sumsOf(accumulator, row.counters, row.key.channel || undefined)), accumulator.empty());
  return { ...accumulator.read(sums), sums };
}

const inInterval = (start: number) => (key: AggregateKey) => key.intervalStart === start;
const onDay = (day: number) => (key: AggregateKey) => key.intervalStart >= T0 - 9 * H + day * DAY && key.intervalStart < T0 - 9 * H + (day + 1) * DAY;
const and = (...tests: ((key: AggregateKey) => boolean)[]) => (key: AggregateKey) => tests.every((test) => test(key));
const queue = (queueId: string) => (key: AggregateKey) => key.queueId === queueId;

describe('hand-computed event log', () => {
  const rows = aggregate(LOG, DEFAULT_KPI_SETTINGS);

  it('billing, 09:00 interval: every service-level variant, ASA, abandonment, AHT with hold and ACW, transfers, FCR, surveys', () => {
    const sut = read(rows, DEFAULT_KPI_SETTINGS, and(queue('billing'), inInterval(T0)));

    // Visits c1..c6: answered c1 (10 s), c2 (30 s), c6 (20 s) → 3, within Y: c1, c6 → 2;
    // abandoned c4 (15 s, within Y), c5 (40 s) → 2, within 1; c3 (3 s) short.
    expect(sut.sums.serviceLevel).toEqual({ answered: 3, answeredWithinThreshold: 2, abandoned: 2, abandonedWithinThreshold: 1, shortAbandoned: 1 });
    // 1: 2 / 3; 2 (default): 2 / (3 + 2) = 0.4; 3: (2 + 1) / (3 + 2) = 0.6.
    expect(sut.serviceLevel.byVariant).toEqual({ 'abandons-ignored': 2 / 3, 'abandons-count-against': 0.4, 'abandons-within-threshold-in-favour': 0.6 });
    expect(sut.serviceLevel.value).toBe(0.4);
    // ASA over answered: (10 + 30 + 20) / 3 = 20 s.
    expect(sut.speedOfAnswer.asaOfAnsweredMs).toBe(20 * S);
    // Offered without the short abandon: 6 − 1 = 5; abandonment 2 / 5.
    expect(sut.abandonment).toEqual({ offered: 5, abandoned: 2, rate: 0.4 });
    // Handled here: c1 (talk 270, hold 30, ACW 60), c2 (180, 0, 30), c6's billing leg (240, 60, 0, transferred).
    expect(sut.sums.handleTime).toEqual({ handled: 3, talkMs: 690 * S, holdMs: 90 * S, acwMs: 90 * S, transferred: 1 });
    // AHT (690 + 90 + 90) / 3 = 290 s; transfer rate 1 / 3.
    expect(sut.handleTime.ahtMs).toBe(290 * S);
    expect(sut.handleTime.transferRate).toBe(1 / 3);
    // FCR: c1 repeated (c7, same case X1, 7 minutes later, on chat); c2 resolved (c9 came 8 days
    // later); c6's billing leg was transferred, so it is no first contact of its own. 1 / 2.
    expect(sut.sums.firstContactResolution).toEqual({ resolved: 1, repeated: 1 });
    expect(sut.firstContactResolution.rate).toBe(0.5);
    // Surveys of c1 and c2: CSAT 5 and 2 → 1 of 2 satisfied, mean 3.5; NPS 10 (promoter) and 6
    // (detractor) → 0; CES 2.
    expect(sut.survey).toEqual({ csat: 0.5, csatAverage: 3.5, nps: 0, ces: 2 });
  });

  it('tech and sales, 09:00 interval: the transfer target and the digital contacts with first response', () => {
    const tech = read(rows, DEFAULT_KPI_SETTINGS, and(queue('tech'), inInterval(T0)));
    const techHandled = read(rows, DEFAULT_KPI_SETTINGS, and(queue('tech'), inInterval(T0 + INTERVAL_MS)));
    const sales = read(rows, DEFAULT_KPI_SETTINGS, and(queue('sales'), inInterval(T0)));

    // c6 entered tech at 09:10:25 and waited 10 s: offered and answered within Y in the 09:00 interval.
    expect(tech.sums.serviceLevel).toMatchObject({ answered: 1, answeredWithinThreshold: 1 });
    expect(tech.speedOfAnswer.asaOfAnsweredMs).toBe(10 * S);
    // ...but handled where it ended, 09:21:35: talk 595 s + hold 5 s + ACW 60 s = 660 s; repeated by
    // c11 (case X3, 3 days later; c10 was a short abandon and does not count); its survey counts here.
    expect(techHandled.sums.handleTime).toEqual({ handled: 1, talkMs: 595 * S, holdMs: 5 * S, acwMs: 60 * S, transferred: 0 });
    expect(techHandled.sums.firstContactResolution).toEqual({ resolved: 0, repeated: 1 });
    expect(techHandled.survey).toEqual({ csat: 1, csatAverage: 4, nps: 0, ces: 4 });
    // Sales: c7 chat 20 s (within), c8 email 1,320 s (after) → SL 1 / 2, ASA (20 + 1,320) / 2 = 670 s.
    expect(sales.serviceLevel.value).toBe(0.5);
    expect(sales.speedOfAnswer.asaOfAnsweredMs).toBe(670 * S);
    // First response: chat 65 s > 60 s (miss), email 7,200 s ≤ 4 h (hit); mean (65 + 7,200) / 2 s.
    expect(sales.firstResponse.byChannel.chat).toEqual({ averageFirstResponseMs: 65 * S, slaHitRate: 0 });
    expect(sales.firstResponse.byChannel.email).toEqual({ averageFirstResponseMs: 2 * H, slaHitRate: 1 });
    expect(sales.firstResponse.allChannels).toEqual({ averageFirstResponseMs: (65 * S + 2 * H) / 2, slaHitRate: 0.5 });
    // c7 handled at 09:12:30 (talk 275 s, ACW 30 s); c8 at 11:08 (talk 5,880 s).
    expect(sales.sums.handleTime).toEqual({ handled: 1, talkMs: 275 * S, holdMs: 0, acwMs: 30 * S, transferred: 0 });
    expect(read(rows, DEFAULT_KPI_SETTINGS, and(queue('sales'), inInterval(T0 + 8 * INTERVAL_MS))).sums.handleTime).toMatchObject({ handled: 1, talkMs: 5_880 * S });
  });

  it('agent a1: occupancy per interval from its timeline (away counts for nothing)', () => {
    const agentTime = (start: number) => read(rows, DEFAULT_KPI_SETTINGS, (key) => key.agentId === 'a1' && key.queueId === '' && key.intervalStart === start);

    // 09:00-09:15: handling 09:00:10-09:06:10 (360 s) + 09:07:25-09:12:30 (305 s) = 665 s;
    // available 10 s + 75 s + 150 s = 235 s → 665 / 900.
    // Paid the whole interval (900 s): utilization 665 / 900 too.
    expect(agentTime(T0).sums.agentTime).toEqual({ handlingMs: 665 * S, availableMs: 235 * S, scheduledMs: 900 * S });
    expect(agentTime(T0).agentOccupancy).toEqual({ occupancy: 665 / 900, utilization: 665 / 900 });
    // 09:15-09:30: available 300 s, then away 600 s → 0; paid 900 s, handling 0 → utilization 0.
    expect(agentTime(T0 + INTERVAL_MS).agentOccupancy).toEqual({ occupancy: 0, utilization: 0 });
    // 08:45-09:00: paid 300 s, not logged in → no occupancy, utilization 0 / 300.
    expect(agentTime(T0 - INTERVAL_MS).agentOccupancy).toEqual({ occupancy: null, utilization: 0 });
  });

  it('utilization = handling / paid time per agent and for a team of a1 and a2 over the day; none without a shift', () => {
    const agentsDay = (...agentIds: string[]) => read(rows, DEFAULT_KPI_SETTINGS, and(onDay(0), (key) => agentIds.includes(key.agentId) && key.queueId === ''));

    // a1: handling 665 s (all in 09:00-09:15) / paid 300 + 900 + 900 + 300 = 2,400 s.
    expect(agentsDay('a1').sums.agentTime).toEqual({ handlingMs: 665 * S, availableMs: 535 * S, scheduledMs: 2_400 * S });
    expect(agentsDay('a1').agentOccupancy.utilization).toBe(665 / 2_400);
    // a2: paid 1,800 s but no timeline, so no handling time: 0 / 1,800.
    expect(agentsDay('a2').agentOccupancy.utilization).toBe(0);
    // Team {a1, a2}: (665 + 0) / (2,400 + 1,800) = 665 / 4,200.
    expect(agentsDay('a1', 'a2').agentOccupancy.utilization).toBe(665 / 4_200);
    // a3 and a4 have no shift: utilization is absent, not 0.
    expect(agentsDay('a3', 'a4').agentOccupancy.utilization).toBeNull();
  });

  it('rolls the day up for the tenant', () => {
    const sut = read(rows, DEFAULT_KPI_SETTINGS, onDay(0));

    // Visits: billing 6, tech 1, sales 2. Answered 6 (within: c1, c6, c6 in tech, c7 → 4);
    // abandoned 2 (within 1), short 1. v1 4 / 6; v2 4 / 8; v3 (4 + 1) / 8.
    expect(sut.serviceLevel.byVariant).toEqual({ 'abandons-ignored': 4 / 6, 'abandons-count-against': 0.5, 'abandons-within-threshold-in-favour': 0.625 });
    // ASA (10 + 30 + 20 + 10 + 20 + 1,320) / 6 = 235 s.
    expect(sut.speedOfAnswer.asaOfAnsweredMs).toBe(235 * S);
    // Handled 6: talk 690 + 595 + 275 + 5,880 = 7,440 s, hold 90 + 5 = 95 s, ACW 90 + 60 + 30 = 180 s.
    expect(sut.sums.handleTime).toEqual({ handled: 6, talkMs: 7_440 * S, holdMs: 95 * S, acwMs: 180 * S, transferred: 1 });
    expect(sut.handleTime.ahtMs).toBeCloseTo((7_715 * S) / 6, 9);
    // FCR: resolved c2, c7, c8; repeated c1, c6 → 3 / 5.
    expect(sut.firstContactResolution.rate).toBe(0.6);
    // Surveys: CSAT 5, 2, 4 → 2 / 3, mean 11 / 3; NPS 10, 6, 8, 9 → (2 − 1) / 4 = 25; CES 2, 4 → 3.
    expect(sut.survey).toEqual({ csat: 2 / 3, csatAverage: 11 / 3, nps: 25, ces: 3 });
    // a1: handling 665 s, available 235 + 300 s → 665 / 1,200.
    expect(sut.agentOccupancy.occupancy).toBe(665 / 1_200);
    // Paid: a1 2,400 s + a2 1,800 s; handling only a1's 665 s → 665 / 4,200.
    expect(sut.agentOccupancy.utilization).toBe(665 / 4_200);
  });

  it('follows the tenant settings: short-abandon threshold, service-level threshold, abandons as offered, FCR window', () => {
    const billing = and(queue('billing'), inInterval(T0));
    // Short abandons ≤ 2 s: c3 (3 s) is now an abandon within Y → abandoned 3, within 2.
    // v1 2 / 3; v2 2 / (3 + 3) = 1 / 3; v3 (2 + 2) / 6 = 2 / 3; abandonment 3 / 6.
    const shortAt2 = kpiSettings({ shortAbandonThresholdMs: 2 * S });
    const a = read(aggregate(LOG, shortAt2), shortAt2, billing);
    expect(a.serviceLevel.byVariant).toEqual({ 'abandons-ignored': 2 / 3, 'abandons-count-against': 1 / 3, 'abandons-within-threshold-in-favour': 2 / 3 });
    expect(a.abandonment.rate).toBe(0.5);
    // Y = 30 s: c2 (30 s) is within too → answered within 3; abandons within Y still only c4.
    // v1 3 / 3; v2 3 / 5; v3 (3 + 1) / 5.
    const y30 = kpiSettings({ serviceLevelThresholdMs: 30 * S, serviceLevelVariant: 'abandons-within-threshold-in-favour' });
    const b = read(aggregate(LOG, y30), y30, billing);
    expect(b.serviceLevel.byVariant).toEqual({ 'abandons-ignored': 1, 'abandons-count-against': 0.6, 'abandons-within-threshold-in-favour': 0.8 });
    expect(b.serviceLevel.value).toBe(0.8);
    // Short abandons counted as offered: abandonment 2 / 6.
    const asOffered = kpiSettings({ shortAbandonsCountAsOffered: true });
    expect(read(aggregate(LOG, asOffered), asOffered, billing).abandonment).toEqual({ offered: 6, abandoned: 2, rate: 2 / 6 });
    // A 10-day FCR window: c9 (8 days after c2) is now a return → billing resolved 0, repeated 2.
    const tenDays = kpiSettings({ fcrWindowMs: 10 * DAY });
    expect(read(aggregate(LOG, tenDays), tenDays, billing).sums.firstContactResolution).toEqual({ resolved: 0, repeated: 2 });
  });

  it('gives the same aggregates for the log reversed and with every event twice', () => {
    expect(aggregate([...LOG].reverse().flatMap((fact) => [fact, fact]), DEFAULT_KPI_SETTINGS)).toEqual(rows);
  });
});
