import { batchMeans, studentT975 } from './batch-means';

describe(batchMeans.name, () => {
  it('averages equal consecutive batches and builds a t interval from their spread', () => {
    // Batch means 1, 2, 3, 4: mean 2.5, sample standard deviation 1.29.
    const samples = [1, 1, 2, 2, 3, 3, 4, 4, 99];

    const interval = batchMeans(samples, 4);

    expect(interval.mean).toBe(2.5);
    expect(interval.halfWidth).toBeCloseTo((3.182 * Math.sqrt(5 / 3)) / 2, 1);
    expect(interval.low).toBeCloseTo(interval.mean - interval.halfWidth);
    expect(interval.high).toBeCloseTo(interval.mean + interval.halfWidth);
  });

  it('needs at least two batches with samples in them', () => {
    expect(() => batchMeans([1, 2, 3], 1)).toThrow(RangeError);
    expect(() => batchMeans([1], 2)).toThrow(RangeError);
  });
});

describe(studentT975.name, () => {
  it.each([
    [5, 2.571],
    [9, 2.262],
    [19, 2.093],
    [29, 2.045],
    [1000, 1.962],
  ])('matches the table for %i degrees of freedom', (df, quantile) => {
    expect(studentT975(df)).toBeCloseTo(quantile, 2);
  });
});
