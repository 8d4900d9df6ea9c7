import type { ContactChannel } from '../kpi/contact-facts';
import type { IntervalKpiAccumulator, IntervalKpiSums } from '../kpi/interval-kpis.accumulator';

/**
 * The additive columns of one interval aggregate row: IntervalKpiSums flattened. A row has one
 * channel (or none, for agent time), so first-response sums are kept for that channel only.
 */
export const AGGREGATE_COUNTERS = [
  'offered',
  'shortAbandoned',
  'answered',
  'answeredWithinThreshold',
  'abandoned',
  'abandonedWithinThreshold',
  'answerWaitMs',
  'handled',
  'talkMs',
  'holdMs',
  'acwMs',
  'transferred',
  'firstResponses',
  'firstResponseMs',
  'firstResponseSlaHits',
  'firstResponseSlaMisses',
  'handlingMs',
  'availableMs',
  'scheduledMs',
  'fcrResolved',
  'fcrRepeated',
  'csatResponses',
  'csatSatisfied',
  'csatScoreSum',
  'npsResponses',
  'npsPromoters',
  'npsDetractors',
  'cesResponses',
  'cesScoreSum',
] as const;

export type AggregateCounter = (typeof AGGREGATE_COUNTERS)[number];
export type AggregateCounters = Readonly<Record<AggregateCounter, number>>;

const ZERO: AggregateCounters = Object.freeze(Object.fromEntries(AGGREGATE_COUNTERS.map((name) => [name, 0])) as AggregateCounters);

// Plain loops over copies of one shape: ingestion calls these for every contribution of every batch.
export function zeroCounters(): AggregateCounters {
  return { ...ZERO };
}

export function addCounters(a: AggregateCounters, b: AggregateCounters, sign: 1 | -1 = 1): AggregateCounters {
  const sum: Record<AggregateCounter, number> = { ...ZERO };
  for (const name of AGGREGATE_COUNTERS) sum[name] = a[name] + sign * b[name];
  return sum;
}

/** Adds `sign` × `b` into `into` in place: AggregateDeltas merges many contributions into one row. */
export function addCountersInto(into: Record<AggregateCounter, number>, b: AggregateCounters, sign: 1 | -1 = 1): void {
  for (const name of AGGREGATE_COUNTERS) into[name] += sign * b[name];
}

export function isZero(counters: AggregateCounters): boolean {
  for (const name of AGGREGATE_COUNTERS) if (counters[name] !== 0) return false;
  return true;
}

export function countersOf(sums: IntervalKpiSums, channel: ContactChannel | undefined): AggregateCounters {
  const { serviceLevel, speedOfAnswer, abandonment, handleTime, agentTime, firstContactResolution, survey } = sums;
  const firstResponse = channel ? sums.firstResponse[channel] : undefined;
  return {
    offered: abandonment.offered,
    shortAbandoned: abandonment.shortAbandoned,
    answered: serviceLevel.answered,
    answeredWithinThreshold: serviceLevel.answeredWithinThreshold,
    abandoned: serviceLevel.abandoned,
    abandonedWithinThreshold: serviceLevel.abandonedWithinThreshold,
    answerWaitMs: speedOfAnswer.answerWaitMs,
    handled: handleTime.handled,
    talkMs: handleTime.talkMs,
    holdMs: handleTime.holdMs,
    acwMs: handleTime.acwMs,
    transferred: handleTime.transferred,
    firstResponses: firstResponse?.responded ?? 0,
    firstResponseMs: firstResponse?.responseMs ?? 0,
    firstResponseSlaHits: firstResponse?.slaHits ?? 0,
    firstResponseSlaMisses: firstResponse?.slaMisses ?? 0,
    handlingMs: agentTime.handlingMs,
    availableMs: agentTime.availableMs,
    scheduledMs: agentTime.scheduledMs,
    fcrResolved: firstContactResolution.resolved,
    fcrRepeated: firstContactResolution.repeated,
    // Named one by one (not spread): one object shape for every row keeps the hot loops fast.
    csatResponses: survey.csatResponses,
    csatSatisfied: survey.csatSatisfied,
    csatScoreSum: survey.csatScoreSum,
    npsResponses: survey.npsResponses,
    npsPromoters: survey.npsPromoters,
    npsDetractors: survey.npsDetractors,
    cesResponses: survey.cesResponses,
    cesScoreSum: survey.cesScoreSum,
  };
}

/** The inverse of countersOf, so stored rows are read by the same KPI code that built them. */
export function sumsOf(accumulator: IntervalKpiAccumulator, c: AggregateCounters, channel: ContactChannel | undefined): IntervalKpiSums {
  const empty = accumulator.empty();
  const firstResponse = { responded: c.firstResponses, responseMs: c.firstResponseMs, slaHits: c.firstResponseSlaHits, slaMisses: c.firstResponseSlaMisses };
  return {
    serviceLevel: {
      answered: c.answered,
      answeredWithinThreshold: c.answeredWithinThreshold,
      abandoned: c.abandoned,
      abandonedWithinThreshold: c.abandonedWithinThreshold,
      shortAbandoned: c.shortAbandoned,
    },
    speedOfAnswer: { answered: c.answered, answerWaitMs: c.answerWaitMs },
    abandonment: { offered: c.offered, abandoned: c.abandoned, shortAbandoned: c.shortAbandoned },
    firstResponse: channel ? { ...empty.firstResponse, [channel]: firstResponse } : empty.firstResponse,
    handleTime: { handled: c.handled, talkMs: c.talkMs, holdMs: c.holdMs, acwMs: c.acwMs, transferred: c.transferred },
    firstContactResolution: { resolved: c.fcrResolved, repeated: c.fcrRepeated },
    agentTime: { handlingMs: c.handlingMs, availableMs: c.availableMs, scheduledMs: c.scheduledMs },
    survey: {
      csatResponses: c.csatResponses,
      csatSatisfied: c.csatSatisfied,
      csatScoreSum: c.csatScoreSum,
      npsResponses: c.npsResponses,
      npsPromoters: c.npsPromoters,
      npsDetractors: c.npsDetractors,
      cesResponses: c.cesResponses,
      cesScoreSum: c.cesScoreSum,
    },
  };
}
