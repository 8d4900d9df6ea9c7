// Log-space helpers for the Erlang A series. Queue weights span hundreds of orders of magnitude,
// so they are carried as logarithms and only ratios are exponentiated.

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Below this, Stirling's series with five terms is no longer accurate to double precision. */
const STIRLING_FROM = 15;

/** ln(e^a + e^b) without overflow; −∞ stands for a zero weight. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  if (a === Infinity || b === Infinity) return Infinity;
  const larger = Math.max(a, b);
  return larger + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** 1 / (1 + e^{−u}), exact at both ends (u = ±∞). */
export function logistic(u: number): number {
  return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
}

/** ln Γ(m + 1) for real m ≥ 0, i.e. ln m! extended to non-integers. */
export function logGamma1p(m: number): number {
  let w = m;
  let logLift = 0;
  // Γ(w + 1) = Γ(w + 2) / (w + 1) lifts small arguments into the range where Stirling is exact.
  while (w < STIRLING_FROM) {
    w += 1;
    logLift += Math.log(w);
  }
  return (w + 0.5) * Math.log(w) - w + LN_SQRT_2PI + stirlingError(w) - logLift;
}

/**
 * ln(e^{−z} z^m / Γ(m + 1)), the Poisson(z) weight at a real point m ≥ 0, z > 0. For large m the
 * saddle-point form (Loader, "Fast and accurate computation of binomial probabilities", 2000)
 * avoids subtracting huge m·ln z and ln Γ(m + 1) from each other.
 */
export function logPoissonWeight(m: number, z: number): number {
  if (m < STIRLING_FROM) return -z + m * Math.log(z) - logGamma1p(m);
  return -0.5 * Math.log(2 * Math.PI * m) - stirlingError(m) - deviance(m, z);
}

/** ψ(a + n) − ψ(a) = Σ_{k=0}^{n−1} 1/(a + k) for a > 0 and integer n ≥ 0, in O(1) for large n. */
export function digammaDifference(a: number, n: number): number {
  let sum = 0;
  let from = a;
  let left = n;
  // Short runs are summed exactly; long ones only until `from` is large enough for the expansion.
  while (left > 0 && (from < 20 || left <= 32)) {
    sum += 1 / from;
    from += 1;
    left -= 1;
  }
  if (left === 0) return sum;
  return sum + Math.log1p(left / from) + digammaMinusLog(from + left) - digammaMinusLog(from);
}

/** ln Γ(m + 1) − [(m + ½)·ln m − m + ln √(2π)], for m ≥ 15. */
function stirlingError(m: number): number {
  const m2 = m * m;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * m2)) / m2) / m2) / m2) / m;
}

/** m·ln(m/z) + z − m, by a series in (m − z)/(m + z) where the direct form cancels. */
function deviance(m: number, z: number): number {
  if (Math.abs(m - z) >= 0.1 * (m + z)) return m * Math.log(m / z) + z - m;
  const v = (m - z) / (m + z);
  const v2 = v * v;
  let sum = (m - z) * v;
  let power = 2 * m * v;
  for (let k = 1; ; k++) {
    power *= v2;
    const next = sum + power / (2 * k + 1);
    if (next === sum) return sum;
    sum = next;
  }
}

/** ψ(w) − ln w by its asymptotic series, accurate to double precision for w ≥ 20. */
function digammaMinusLog(w: number): number {
  const inv2 = 1 / (w * w);
  return -0.5 / w - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
}
