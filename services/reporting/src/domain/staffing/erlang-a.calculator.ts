import { erlangB } from './erlang-b.calculator';
import { queueSeries } from './queue-series.math';
import { logAddExp, logistic } from './special-functions.math';
import { requireAgentCount, requireNonNegative, requirePositive } from './staffing-input.error';

const SMALLEST_NORMAL = 2.2250738585072014e-308;

export interface ErlangAInput {
  readonly agents: number;
  readonly trafficErlangs: number;
  readonly ahtSeconds: number;
  /** Mean of the exponential time a caller is willing to wait before hanging up. */
  readonly patienceSeconds: number;
  /** Y of "X % answered within Y seconds". */
  readonly answerTimeSeconds: number;
}

export interface ErlangAMetrics {
  readonly probabilityOfWaiting: number;
  readonly probabilityOfAbandoning: number;
  /** Share of ALL arrivals answered within `answerTimeSeconds`: abandons count against it. */
  readonly serviceLevel: number;
  /** Mean time in queue over all arrivals (answered at once, answered later and abandoned). */
  readonly asaOverAllArrivalsSeconds: number;
  /** Mean time in queue of answered arrivals: the ASA that contact-center reports show. */
  readonly asaOfAnsweredSeconds: number;
  /** Carried load per agent, A·(1 − P(abandon)) / N. */
  readonly occupancy: number;
}

/**
 * Erlang A (Palm's M/M/N+M queue): Erlang C plus exponential patience. Abandonment keeps the
 * queue stable for any N ≥ 1, including N ≤ A, and as patience grows the results tend to Erlang C.
 *
 * With x = N·θ/AHT, y = A·θ/AHT, B the Erlang B of (N, A), t_j = Π_{i≤j} y/(x+i) and
 * S(x, y) = Σ_j t_j (Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2007):
 * π_N = 1 / ((1 − B)/B + S(x, y)), P(wait) = π_N·S(x, y), P(abandon) = π_N·Σ_j j·t_j / y, and an
 * arrival that finds j waiting is served within t with probability x/(x+j+1) · P(Bin(x+j+1,
 * 1 − e^{−t/θ}) ≥ j+1) (order statistics of exponential patience), which sums to the closed form
 * used for the service level below. Everything is carried in log space; the error is absolute,
 * about 1e-16 × ln S(x, y), and ln S only grows large for heavy overload with very patient callers.
 */
export function erlangA(input: ErlangAInput): ErlangAMetrics {
  const { agents, trafficErlangs, ahtSeconds, patienceSeconds, answerTimeSeconds } = input;
  requireAgentCount(agents, 1);
  requireNonNegative('trafficErlangs', trafficErlangs);
  requirePositive('ahtSeconds', ahtSeconds);
  requirePositive('patienceSeconds', patienceSeconds);
  requireNonNegative('answerTimeSeconds', answerTimeSeconds);
  const abandonToServiceRatio = ahtSeconds / patienceSeconds;
  const x = agents / abandonToServiceRatio;
  const y = trafficErlangs / abandonToServiceRatio;
  // Every waiting share would be below the smallest normal double, where ln y loses its precision.
  if (y < SMALLEST_NORMAL) {
    return {
      probabilityOfWaiting: 0,
      probabilityOfAbandoning: 0,
      serviceLevel: 1,
      asaOverAllArrivalsSeconds: 0,
      asaOfAnsweredSeconds: 0,
      occupancy: 0,
    };
  }

  const blocking = erlangB(agents, trafficErlangs);
  // ln Σ_{k<N} π_k/π_N; +∞ when B underflows, which correctly drives every waiting share to 0.
  const logIdleWeight = Math.log1p(-blocking) - Math.log(blocking);

  const queue = queueSeries(x, y);
  const logNormaliser = logAddExp(logIdleWeight, queue.logWeight);
  const probabilityOfWaiting = logistic(queue.logWeight - logIdleWeight);
  const probabilityOfNoWait = logistic(logIdleWeight - queue.logWeight);
  const probabilityOfAbandoning = Math.exp(queue.logQueueLength - Math.log(y) - logNormaliser);
  const servedWaitSeconds = Math.exp(queue.logServedWait - logNormaliser) * patienceSeconds;

  // Served after waiting: π_N · x/(x+1) · S(x+1, y). Still waiting and to be served at t: the same
  // with S(x+1, y·e^{−t/θ}) · e^{−(x+1)·t/θ + y·(1 − e^{−t/θ})} in place of S(x+1, y).
  const decay = answerTimeSeconds / patienceSeconds;
  const logServedLater = queueSeries(x + 1, y).logWeight;
  const logServedAfterT = queueSeries(x + 1, y * Math.exp(-decay)).logWeight - (x + 1) * decay - y * Math.expm1(-decay);
  const servedAfterWaiting = Math.exp(Math.log(x / (x + 1)) + logServedLater - logNormaliser);
  const servedAfterWaitingWithinT = servedAfterWaiting * -Math.expm1(Math.min(0, logServedAfterT - logServedLater));
  const probabilityOfService = probabilityOfNoWait + servedAfterWaiting;

  return {
    probabilityOfWaiting,
    probabilityOfAbandoning,
    serviceLevel: probabilityOfNoWait + servedAfterWaitingWithinT,
    // Little's law: abandonments per second = E[queue]/θ = λ·P(abandon), so E[wait] = θ·P(abandon).
    asaOverAllArrivalsSeconds: probabilityOfAbandoning * patienceSeconds,
    asaOfAnsweredSeconds: servedWaitSeconds / probabilityOfService,
    // Capped because rounding can lift an overloaded team a few ulps above fully busy.
    occupancy: Math.min(1, (trafficErlangs * probabilityOfService) / agents),
  };
}
