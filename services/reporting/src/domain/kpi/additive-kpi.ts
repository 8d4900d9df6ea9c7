/**
 * A KPI kept as counts and sums that merge associatively and commutatively, so 15-minute interval
 * aggregates roll up to hours, days, weeks and months exactly (milliseconds and counts are
 * integers, which doubles add exactly). Ratios are derived from the sums only when read.
 */
export interface AdditiveKpi<TFact, TSums, TReading> {
  empty(): TSums;
  add(sums: TSums, fact: TFact): TSums;
  merge(a: TSums, b: TSums): TSums;
  read(sums: TSums): TReading;
}

/** Field-by-field sum of two flat records of counters. */
export function addCounters<T extends { readonly [K in keyof T]: number }>(a: T, b: T): T {
  const sum: Partial<Record<keyof T, number>> = {};
  for (const key of Object.keys(a) as (keyof T)[]) sum[key] = a[key] + b[key];
  return sum as T;
}

/** A ratio, or null when nothing was counted: "no data" must not read as 0 % or 100 %. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}
