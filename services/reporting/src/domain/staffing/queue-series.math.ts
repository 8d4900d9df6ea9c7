import { digammaDifference, logPoissonWeight } from './special-functions.math';

/** Terms below this share of a partial sum cannot change it in double precision. */
const NEGLIGIBLE = 1e-17;

/** Natural logarithms of the three sums of {@link queueSeries}; −∞ stands for zero. */
export interface QueueSeries {
  /** ln Σ_j t_j */
  readonly logWeight: number;
  /** ln Σ_j j·t_j */
  readonly logQueueLength: number;
  /** ln Σ_j t_j · x/(x+j+1) · Σ_{i=1}^{j+1} 1/(x+i) */
  readonly logServedWait: number;
}

/**
 * Sums over the queue length j ≥ 0 of the M/M/N+M stationary distribution relative to π_N, with
 * t_j = Π_{i=1}^{j} z/(x+i) for x = N·μ/γ > 0 and z = λ/γ ≥ 0 (γ = 1/mean patience).
 *
 * The terms rise while z > x + j and then fall faster than geometrically. The walk starts at the
 * largest term, whose logarithm comes from Poisson weights in closed form, and goes outwards
 * with scaled terms until the rest is provably negligible: no overflow and no long climb, even
 * when the queue is heavily overloaded and customers very patient.
 */
export function queueSeries(x: number, z: number): QueueSeries {
  const peak = Math.max(0, Math.floor(z - x));
  const logPeakTerm = peak === 0 ? 0 : logPoissonWeight(x + peak, z) - logPoissonWeight(x, z);
  const peakWait = digammaDifference(x + 1, peak + 1);
  const servedWaitTerm = (j: number, term: number, wait: number) => ((term * x) / (x + j + 1)) * wait;

  let weight = 0;
  let queueLength = 0;
  let servedWait = 0;
  const negligible = (tail: number, tailQueueLength: number, tailServedWait: number) =>
    tail <= NEGLIGIBLE * weight && tailQueueLength <= NEGLIGIBLE * queueLength && tailServedWait <= NEGLIGIBLE * servedWait;

  let term = 1;
  let wait = peakWait;
  for (let j = peak; ; j++) {
    weight += term;
    queueLength += j * term;
    servedWait += servedWaitTerm(j, term, wait);
    const ratio = z / (x + j + 1);
    const nextTerm = term * ratio;
    const nextWait = wait + 1 / (x + j + 2);
    if (nextTerm === 0) break;
    // Bounds the successive ratios of all three sums from here on, so each rest is at most its
    // next term over (1 − bound).
    const bound = (ratio * (j + 2)) / (j + 1);
    if (bound < 1) {
      const scale = 1 / (1 - bound);
      if (negligible(nextTerm * scale, (j + 1) * nextTerm * scale, servedWaitTerm(j + 1, nextTerm, nextWait) * scale)) break;
    }
    term = nextTerm;
    wait = nextWait;
  }

  term = 1;
  wait = peakWait;
  for (let j = peak - 1; j >= 0; j--) {
    term *= (x + j + 1) / z;
    wait -= 1 / (x + j + 2);
    weight += term;
    queueLength += j * term;
    servedWait += servedWaitTerm(j, term, wait);
    // Below the peak the ratios shrink as j falls, so the rest is below a geometric series.
    const bound = (x + j + 1) / z;
    if (bound < 1) {
      const scale = bound / (1 - bound);
      if (negligible(term * scale, j * term * scale, servedWaitTerm(j, term, wait) * scale)) break;
    }
  }

  return {
    logWeight: logPeakTerm + Math.log(weight),
    logQueueLength: logPeakTerm + Math.log(queueLength),
    logServedWait: logPeakTerm + Math.log(servedWait),
  };
}
