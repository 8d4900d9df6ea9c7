import fc from 'fast-check';
import { type AgentTimeFacts, CONTACT_CHANNELS, type ContactFacts } from './contact-facts';
import { abandoned, answered, DAY, HOUR, MINUTE, SECOND, T0 } from './contact-facts.test-fixtures';
import { classifyFirstContactResolution } from './first-contact-resolution.classifier';
import { IntervalKpiAccumulator, type IntervalKpiSums } from './interval-kpis.accumulator';
import { type KpiSettings, kpiSettings } from './kpi-settings';

/**
 * One day of a small tenant, with its returns over the following week. Defaults apply: service
 * level 20 s for every channel, short abandon ≤ 5 s, FCR window 7 days, first-response SLA chat
 * 60 s and email 4 h.
 */
function scenario(): ContactFacts[] {
  const chat = { channel: 'chat', queueId: 'chat' } as const;
  const email = { channel: 'email', queueId: 'email' } as const;
  const v01 = answered('v01', { at: T0, customerId: 'c01', waitS: 0, talkS: 300, acwS: 60 });
  const v02 = answered('v02', { at: T0 + 1 * MINUTE, customerId: 'c02', caseId: 'K2', waitS: 10, talkS: 240, holdS: 30, acwS: 30 });
  const v03 = answered('v03', { at: T0 + 2 * MINUTE, customerId: 'c03', caseId: 'K3', waitS: 20, talkS: 180, acwS: 20 });
  const v04 = answered('v04', { at: T0 + 3 * MINUTE, customerId: 'c04', waitS: 21, talkS: 420, holdS: 60, acwS: 90 });
  // v05 is transferred to sales after 120 s of talk: a second visit of the same contact.
  const v05a = answered('v05', { at: T0 + 4 * MINUTE, customerId: 'c05', waitS: 45, talkS: 120, transferred: true });
  const transferredAt = (v05a.answeredAt as number) + 120 * SECOND;
  const v05b = answered('v05', { at: transferredAt, queueId: 'sales', customerId: 'c05', waitS: 12, talkS: 200, holdS: 20, acwS: 40 });
  const v06 = answered('v06', { at: T0 + 5 * MINUTE, customerId: 'c06', waitS: 5, talkS: 150, acwS: 15 });
  const v07 = answered('v07', { at: T0 + 6 * MINUTE, customerId: 'c07', waitS: 90, talkS: 600, holdS: 120, acwS: 180 });
  // v08 is transferred straight to an agent: no further queue visit.
  const v08 = answered('v08', { at: T0 + 7 * MINUTE, customerId: 'c08', waitS: 15, talkS: 60, transferred: true });

  const ch1 = answered('ch1', { at: T0 + 10 * MINUTE, ...chat, customerId: 'c15', waitS: 30, talkS: 600, acwS: 60, firstResponseS: 40 });
  const ch2 = answered('ch2', { at: T0 + 11 * MINUTE, ...chat, customerId: 'c16', waitS: 8, talkS: 900, acwS: 30, firstResponseS: 95 });
  const e1 = answered('e1', { at: T0 + 12 * MINUTE, ...email, customerId: 'c18', waitS: 2 * 3600, talkS: 300, firstResponseS: 3 * 3600 });
  const e2 = answered('e2', { at: T0 + 13 * MINUTE, ...email, customerId: 'c19', waitS: 5 * 3600, talkS: 240, acwS: 60, firstResponseS: 5 * 3600 });

  const end = (contact: ContactFacts) => contact.handledEnd as number;
  return [
    v01, v02, v03, v04, v05a, v05b, v06, v07, v08,
    abandoned('a01', { at: T0 + 20 * MINUTE, customerId: 'c09', waitS: 3 }),
    abandoned('a02', { at: T0 + 21 * MINUTE, customerId: 'c10', waitS: 5 }),
    abandoned('a03', { at: T0 + 22 * MINUTE, customerId: 'c11', waitS: 6 }),
    abandoned('a04', { at: T0 + 23 * MINUTE, customerId: 'c12', waitS: 20 }),
    abandoned('a05', { at: T0 + 24 * MINUTE, customerId: 'c13', waitS: 40 }),
    abandoned('a06', { at: T0 + 25 * MINUTE, customerId: 'c14', waitS: 120 }),
    ch1, ch2,
    // The customer wrote, then left the chat after 2 s without a reply: a short abandon, no response time.
    {
      ...abandoned('ch3', { at: T0 + 26 * MINUTE, ...chat, customerId: 'c17', waitS: 2 }),
      firstCustomerMessageAt: T0 + 26 * MINUTE,
    },
    e1, e2,
    // Returns. Same queue, no case, 3 days later: v01 was not resolved.
    answered('r01', { at: end(v01) + 3 * DAY, customerId: 'c01', waitS: 12, talkS: 200, acwS: 20 }),
    // Same case, 8 days later: outside the window, v02 stays resolved.
    answered('r02', { at: end(v02) + 8 * DAY, customerId: 'c02', caseId: 'K2', waitS: 25, talkS: 100, acwS: 10 }),
    // Same case by email 2 days later: any channel counts, v03 was not resolved.
    answered('r03', { at: end(v03) + 2 * DAY, ...email, customerId: 'c03', caseId: 'K3', waitS: 3600, talkS: 120, firstResponseS: 3600 }),
    // v04 had no case, so the queue decides: sales is another issue, v04 stays resolved.
    answered('r04', { at: end(v04) + 1 * DAY, queueId: 'sales', customerId: 'c04', caseId: 'K9', waitS: 3, talkS: 90, acwS: 10 }),
    // A short abandon is no return: v06 stays resolved.
    abandoned('r06', { at: end(v06) + 1 * HOUR, customerId: 'c06', waitS: 4 }),
    // An abandoned return still is one: v07 was not resolved.
    abandoned('r07', { at: end(v07) + 2 * DAY, customerId: 'c07', waitS: 30 }),
    // Chat returns just inside and 1 ms outside the window; the email return exactly at its end.
    answered('r15', { at: end(ch1) + 6 * DAY + 23 * HOUR, ...chat, customerId: 'c15', waitS: 20, talkS: 300, firstResponseS: 60 }),
    answered('r16', { at: end(ch2) + 7 * DAY + 1, ...chat, customerId: 'c16', waitS: 10, talkS: 400, acwS: 20, firstResponseS: 50 }),
    answered('r18', { at: end(e1) + 7 * DAY, ...email, customerId: 'c18', waitS: 1800, talkS: 180, firstResponseS: 14_401 }),
  ];
}

const agentTime: AgentTimeFacts[] = [
  { tenantId: 'northwind', agentId: 'ag1', handlingMs: 40 * MINUTE, availableMs: 10 * MINUTE, scheduledMs: 60 * MINUTE },
  { tenantId: 'northwind', agentId: 'ag2', handlingMs: 30 * MINUTE, availableMs: 20 * MINUTE, scheduledMs: 60 * MINUTE },
  { tenantId: 'northwind', agentId: 'ag3', handlingMs: 50 * MINUTE, availableMs: 0, scheduledMs: 60 * MINUTE },
];

/** Any contact: answered, abandoned or neither, with or without handling, transfer and messages. */
const contactArbitrary = fc
  .record({
    id: fc.integer({ min: 1, max: 30 }),
    customer: fc.integer({ min: 1, max: 5 }),
    queueId: fc.constantFrom('billing', 'sales'),
    caseId: fc.option(fc.constantFrom('K1', 'K2'), { nil: undefined }),
    channel: fc.constantFrom(...CONTACT_CHANNELS),
    at: fc.integer({ min: T0, max: T0 + 10 * DAY }),
    outcome: fc.constantFrom('answered', 'abandoned', 'neither'),
    waitS: fc.integer({ min: 0, max: 3 * 3600 }),
    talkS: fc.integer({ min: 0, max: 3600 }),
    holdS: fc.integer({ min: 0, max: 600 }),
    acwS: fc.integer({ min: 0, max: 600 }),
    transferred: fc.boolean(),
    firstResponseS: fc.option(fc.integer({ min: 0, max: 8 * 3600 }), { nil: undefined }),
  })
  .map(({ id, customer, outcome, ...visit }): ContactFacts => {
    const common = { ...visit, customerId: `c${customer}` };
    if (outcome === 'answered') return answered(`k${id}`, common);
    if (outcome === 'abandoned') return abandoned(`k${id}`, common);
    return { ...abandoned(`k${id}`, common), abandonedAt: undefined };
  });

function accumulate(sut: IntervalKpiAccumulator, settings: KpiSettings, contacts: readonly ContactFacts[]): IntervalKpiSums {
  let sums = sut.empty();
  for (const contact of contacts) sums = sut.addHandled(sut.addOffered(sums, contact), contact);
  for (const { outcome } of classifyFirstContactResolution(contacts, T0 + 30 * DAY, settings)) {
    if (outcome !== 'pending') sums = sut.addFcrOutcome(sums, outcome);
  }
  return sums;
}

describe(IntervalKpiAccumulator.name, () => {
  describe('a hand-computed day', () => {
    const settings = kpiSettings();
    const sut = new IntervalKpiAccumulator(settings);
    const reading = sut.read(agentTime.reduce((sums, facts) => sut.addAgentTime(sums, facts), accumulate(sut, settings, scenario())));

    it('counts what was offered, answered and abandoned', () => {
      // 29 visits. Answered 20: v01–v08 with v05's second visit (9), ch1, ch2, e1, e2, r01, r02,
      // r03, r04, r15, r16, r18 (11). Abandoned 9: short a01 (3 s), a02 (5 s), ch3 (2 s),
      // r06 (4 s); long a03 (6 s), a04 (20 s), a05 (40 s), a06 (120 s), r07 (30 s).
      expect(accumulate(sut, settings, scenario()).serviceLevel).toEqual({
        answered: 20,
        // ≤ 20 s: v01 0, v02 10, v03 20, v05b 12, v06 5, v08 15, ch2 8, r01 12, r04 3, r15 20, r16 10.
        answeredWithinThreshold: 11,
        abandoned: 5,
        // long abandons ≤ 20 s: a03 6, a04 20.
        abandonedWithinThreshold: 2,
        shortAbandoned: 4,
      });
    });

    it('computes the service level in every variant', () => {
      expect(reading.serviceLevel).toEqual({
        variant: 'abandons-count-against',
        value: 11 / 25,
        byVariant: {
          // 11 / 20 = 0.55
          'abandons-ignored': 11 / 20,
          // 11 / (20 + 5) = 0.44
          'abandons-count-against': 11 / 25,
          // (11 + 2) / (20 + 5) = 0.52
          'abandons-within-threshold-in-favour': 13 / 25,
        },
      });
    });

    it('averages the speed of answer over answered contacts', () => {
      // Waits in s: voice 0+10+20+21+45+12+5+90+15 = 218; chat 30+8 = 38; email 7200+18000 = 25200;
      // returns 12+25+3600+3+20+10+1800 = 5470. Total 30926 s over 20 answered = 1546.3 s.
      expect(reading.speedOfAnswer.asaOfAnsweredMs).toBe(1_546_300);
    });

    it('rates abandonment without short abandons', () => {
      // 5 long abandons / (29 offered − 4 short) = 0.2
      expect(reading.abandonment).toEqual({ offered: 25, abandoned: 5, rate: 0.2 });
    });

    it('computes handle time and transfers over handled contacts', () => {
      // Talk s: 300+240+180+420+120+200+150+600+60 = 2270; chat 600+900; email 300+240;
      //   returns 200+100+120+90+300+400+180 = 1390; total 5700.
      // Hold s: v02 30, v04 60, v05b 20, v07 120 = 230.
      // ACW s: 60+30+20+90+0+40+15+180+0 = 435; chat 60+30; email 0+60; returns 20+10+0+10+0+20+0 = 60; total 645.
      // AHT = (5700 + 230 + 645) / 20 = 328.75 s; transfers v05a, v08: 2 / 20.
      expect(reading.handleTime).toEqual({
        ahtMs: 328_750,
        averageTalkMs: 285_000,
        averageHoldMs: 11_500,
        averageAcwMs: 32_250,
        transferRate: 0.1,
      });
    });

    it('measures first response and its SLA per channel', () => {
      // Chat: ch1 40 s hit, ch2 95 s miss, r15 60 s hit (at the limit), r16 50 s hit:
      //   (40+95+60+50)/4 = 61.25 s, 3 of 4 within 60 s. ch3 got no reply and has no response time.
      // Email: e1 3 h hit, e2 5 h miss, r03 1 h hit, r18 4 h 1 s miss:
      //   (10800+18000+3600+14401)/4 = 11700.25 s, 2 of 4 within 4 h.
      // All: (245 + 46801)/8 = 5880.75 s, 5 of 8.
      expect(reading.firstResponse.byChannel.chat).toEqual({ averageFirstResponseMs: 61_250, slaHitRate: 0.75 });
      expect(reading.firstResponse.byChannel.email).toEqual({ averageFirstResponseMs: 11_700_250, slaHitRate: 0.5 });
      expect(reading.firstResponse.byChannel.voice).toEqual({ averageFirstResponseMs: null, slaHitRate: null });
      expect(reading.firstResponse.allChannels).toEqual({ averageFirstResponseMs: 5_880_750, slaHitRate: 5 / 8 });
    });

    it('rates first contact resolution over contacts that ended in a queue', () => {
      // 18 candidates: the 20 handled visits less the transferred v05a and v08.
      // Repeated: v01 (r01), v03 (r03 by email, same case), v07 (abandoned r07), ch1 (r15 inside),
      // e1 (r18 exactly at the window's end). Resolved: the other 13. 13 / 18.
      expect(reading.firstContactResolution).toEqual({ rate: 13 / 18 });
    });

    it('derives occupancy and utilization from agent time', () => {
      // Handling 40+30+50 = 120 min; available 10+20+0 = 30 min; scheduled 180 min.
      // Occupancy 120 / 150 = 0.8; utilization 120 / 180.
      expect(reading.agentOccupancy).toEqual({ occupancy: 0.8, utilization: 120 / 180 });
    });

    it('counts short abandons as offered when the tenant says so', () => {
      const countingSettings = kpiSettings({ shortAbandonsCountAsOffered: true });
      const counting = new IntervalKpiAccumulator(countingSettings);

      // 5 / 29
      expect(counting.read(accumulate(counting, countingSettings, scenario())).abandonment).toEqual({ offered: 29, abandoned: 5, rate: 5 / 29 });
    });
  });

  describe('as an additive value', () => {
    const settings = kpiSettings({ serviceLevelThresholdMsByChannel: { email: 4 * HOUR } });
    const sut = new IntervalKpiAccumulator(settings);
    const sumsOf = (contacts: readonly ContactFacts[]) => accumulate(sut, settings, contacts);
    const contacts = fc.array(contactArbitrary, { maxLength: 40 });

    it('gives the same sums for any order of the same contacts', () => {
      fc.assert(
        fc.property(
          contacts.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))),
          ([list, permuted]) => {
            expect(sumsOf(permuted)).toEqual(sumsOf(list));
          },
        ),
      );
    });

    it('rolls split intervals up to exactly the sums of the whole', () => {
      fc.assert(
        fc.property(contacts, fc.nat(), (list, cut) => {
          const at = list.length === 0 ? 0 : cut % (list.length + 1);
          let sums = sut.empty();
          for (const contact of list) sums = sut.addHandled(sut.addOffered(sums, contact), contact);
          let head = sut.empty();
          for (const contact of list.slice(0, at)) head = sut.addHandled(sut.addOffered(head, contact), contact);
          let tail = sut.empty();
          for (const contact of list.slice(at)) tail = sut.addHandled(sut.addOffered(tail, contact), contact);

          expect(sut.merge(head, tail)).toEqual(sums);
        }),
      );
    });

    it('merges associatively and commutatively, with empty as identity', () => {
      fc.assert(
        fc.property(contacts, contacts, contacts, (first, second, third) => {
          const [a, b, c] = [sumsOf(first), sumsOf(second), sumsOf(third)];

          expect(sut.merge(a, sut.merge(b, c))).toEqual(sut.merge(sut.merge(a, b), c));
          expect(sut.merge(a, b)).toEqual(sut.merge(b, a));
          expect(sut.merge(sut.empty(), a)).toEqual(a);
          expect(sut.read(sut.merge(a, b))).toEqual(sut.read(sut.merge(b, a)));
        }),
        { numRuns: 50 },
      );
    });
  });
});
