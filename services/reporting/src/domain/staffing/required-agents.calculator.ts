import { erlangCMetrics } from './erlang-c.calculator';
import { requireNonNegative, requirePositive, requireStaffingInput } from './staffing-input.error';

export interface StaffingRequirementInput {
  readonly callsPerInterval: number;
  readonly intervalSeconds: number;
  readonly ahtSeconds: number;
  /** X of "X % answered within Y seconds", as a fraction in [0, 1). */
  readonly targetServiceLevel: number;
  /** Y of "X % answered within Y seconds". */
  readonly targetAnswerTimeSeconds: number;
  /** Highest acceptable occupancy, a fraction in (0, 1]. */
  readonly maxOccupancy: number;
  /** Share of paid time agents are not available for contacts (breaks, training), in [0, 1). */
  readonly shrinkage: number;
}

export interface StaffingRequirement {
  readonly trafficErlangs: number;
  /** Fewest agents on the phones that meet both the service level and the occupancy cap. */
  readonly rawAgents: number;
  /** Agents to schedule so that `rawAgents` remain after shrinkage. */
  readonly agentsWithShrinkage: number;
  readonly serviceLevel: number;
  readonly occupancy: number;
  readonly probabilityOfWaiting: number;
  /** Erlang's ASA in seconds, averaged over all arrivals (see ErlangCMetrics). */
  readonly asa: number;
}

/**
 * Erlang C staffing for one interval: the smallest N with SL(N) ≥ target and A/N ≤ max occupancy,
 * then ceil(N / (1 − shrinkage)).
 */
export function requiredAgents(input: StaffingRequirementInput): StaffingRequirement {
  const { callsPerInterval, intervalSeconds, ahtSeconds, targetServiceLevel, targetAnswerTimeSeconds, maxOccupancy, shrinkage } = input;
  requireNonNegative('callsPerInterval', callsPerInterval);
  requirePositive('intervalSeconds', intervalSeconds);
  requirePositive('ahtSeconds', ahtSeconds);
  requireNonNegative('targetAnswerTimeSeconds', targetAnswerTimeSeconds);
  // A target of 1 is reached by no finite N (SL < 1 whenever anyone can wait).
  requireStaffingInput(targetServiceLevel >= 0 && targetServiceLevel < 1, `targetServiceLevel must be in [0, 1), got ${targetServiceLevel}`);
  requireStaffingInput(maxOccupancy > 0 && maxOccupancy <= 1, `maxOccupancy must be in (0, 1], got ${maxOccupancy}`);
  requireStaffingInput(shrinkage >= 0 && shrinkage < 1, `shrinkage must be in [0, 1), got ${shrinkage}`);

  // Multiplying first keeps whole-number traffic (100 calls × 180 s / 1800 s) exact.
  const trafficErlangs = (callsPerInterval * ahtSeconds) / intervalSeconds;
  if (trafficErlangs === 0) {
    return { trafficErlangs, rawAgents: 0, agentsWithShrinkage: 0, serviceLevel: 1, occupancy: 0, probabilityOfWaiting: 0, asa: 0 };
  }

  // Stability and the occupancy cap give a floor; SL only grows with N, so the first N from
  // that floor meeting the target is the minimum.
  let agents = Math.max(Math.floor(trafficErlangs) + 1, ceilIgnoringRoundingNoise(trafficErlangs / maxOccupancy));
  const metricsFor = (n: number) =>
    erlangCMetrics({ agents: n, trafficErlangs, ahtSeconds, answerTimeSeconds: targetAnswerTimeSeconds });
  let metrics = metricsFor(agents);
  while (metrics.serviceLevel < targetServiceLevel) {
    agents += 1;
    metrics = metricsFor(agents);
  }

  return {
    trafficErlangs,
    rawAgents: agents,
    agentsWithShrinkage: ceilIgnoringRoundingNoise(agents / (1 - shrinkage)),
    serviceLevel: metrics.serviceLevel,
    occupancy: metrics.occupancy,
    probabilityOfWaiting: metrics.probabilityOfWaiting,
    asa: metrics.asaOverAllArrivalsSeconds,
  };
}

/** Binary fractions such as 0.7 or 0.85 must not turn an exact 20 into 20.000000000000004 → 21. */
function ceilIgnoringRoundingNoise(value: number): number {
  return Math.ceil(value * (1 - 1e-12));
}
