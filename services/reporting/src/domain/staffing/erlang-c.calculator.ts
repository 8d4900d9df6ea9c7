import { erlangB } from './erlang-b.calculator';
import { requireAgentCount, requireNonNegative, requirePositive } from './staffing-input.error';

/**
 * Erlang C probability that an arrival waits (M/M/N, infinitely patient callers), derived from
 * Erlang B as C = N·B / (N − A·(1 − B)). With N ≤ A the queue grows without bound and every
 * arrival waits, so the answer is 1.
 */
export function erlangC(agents: number, trafficErlangs: number): number {
  requireAgentCount(agents, 1);
  requireNonNegative('trafficErlangs', trafficErlangs);
  if (agents <= trafficErlangs) return 1;
  const blocking = erlangB(agents, trafficErlangs);
  return (agents * blocking) / (agents - trafficErlangs * (1 - blocking));
}

export interface ErlangCInput {
  readonly agents: number;
  readonly trafficErlangs: number;
  readonly ahtSeconds: number;
  /** Y of "X % answered within Y seconds". */
  readonly answerTimeSeconds: number;
}

export interface ErlangCMetrics {
  /** False when agents ≤ traffic: the queue has no steady state and the numbers are limits. */
  readonly stable: boolean;
  readonly probabilityOfWaiting: number;
  /** Share of arrivals answered within `answerTimeSeconds`. */
  readonly serviceLevel: number;
  /**
   * Erlang's ASA: mean wait over ALL arrivals, those answered at once included. Vendors'
   * reported ASA averages over answered contacts; in M/M/N every arrival is eventually answered,
   * so the two agree only in this model.
   */
  readonly asaOverAllArrivalsSeconds: number;
  /** A / N, capped at 1: an unstable queue keeps every agent busy all the time. */
  readonly occupancy: number;
}

/**
 * Erlang C service level SL(t) = 1 − C·e^{−(N−A)·t/AHT}, ASA = C·AHT / (N−A) and occupancy A/N.
 */
export function erlangCMetrics(input: ErlangCInput): ErlangCMetrics {
  const { agents, trafficErlangs, ahtSeconds, answerTimeSeconds } = input;
  requirePositive('ahtSeconds', ahtSeconds);
  requireNonNegative('answerTimeSeconds', answerTimeSeconds);
  const probabilityOfWaiting = erlangC(agents, trafficErlangs);
  if (agents <= trafficErlangs) {
    return { stable: false, probabilityOfWaiting, serviceLevel: 0, asaOverAllArrivalsSeconds: Infinity, occupancy: 1 };
  }
  const spareAgents = agents - trafficErlangs;
  return {
    stable: true,
    probabilityOfWaiting,
    serviceLevel: 1 - probabilityOfWaiting * Math.exp((-spareAgents * answerTimeSeconds) / ahtSeconds),
    asaOverAllArrivalsSeconds: (probabilityOfWaiting * ahtSeconds) / spareAgents,
    occupancy: trafficErlangs / agents,
  };
}
