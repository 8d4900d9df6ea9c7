/** Length of one aggregate interval; every roll-up (hour, day, week, month) is a union of them. */
export const INTERVAL_MS = 15 * 60_000;

/** Start of the UTC 15-minute interval holding `at` (epoch ms). */
export function intervalStart(at: number): number {
  return Math.floor(at / INTERVAL_MS) * INTERVAL_MS;
}

export interface IntervalSlice {
  readonly intervalStart: number;
  readonly ms: number;
}

/** The parts of [from, to) that fall in each interval, in order; empty when to ≤ from. */
export function splitByInterval(from: number, to: number): IntervalSlice[] {
  const slices: IntervalSlice[] = [];
  for (let start = intervalStart(from); start < to; start += INTERVAL_MS) {
    const ms = Math.min(to, start + INTERVAL_MS) - Math.max(from, start);
    if (ms > 0) slices.push({ intervalStart: start, ms });
  }
  return slices;
}
