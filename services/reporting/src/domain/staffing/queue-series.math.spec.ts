import fc from 'fast-check';
import { queueSeries } from './queue-series.math';

/** The three sums term by term from j = 0, in log space, until terms are far below the sum. */
function naiveQueueSeries(x: number, z: number) {
  const logTerms: number[] = [0];
  const waits: number[] = [1 / (x + 1)];
  for (let j = 1; j < 200 || logTerms[j - 1] > Math.max(...logTerms.slice(-200)) - 60 || z > x + j; j++) {
    logTerms.push(logTerms[j - 1] + Math.log(z / (x + j)));
    waits.push(waits[j - 1] + 1 / (x + j + 1));
  }
  const top = Math.max(...logTerms);
  const sum = (weight: (j: number) => number) =>
    top + Math.log(logTerms.reduce((acc, logTerm, j) => acc + weight(j) * Math.exp(logTerm - top), 0));
  return {
    logWeight: sum(() => 1),
    logQueueLength: sum((j) => j),
    logServedWait: sum((j) => (x / (x + j + 1)) * waits[j]),
  };
}

describe(queueSeries.name, () => {
  it.each([
    [0.4, 0.1],
    [20, 18],
    [3.7, 250],
    [100, 5000],
    [12_000, 12_500],
    [50_000, 20_000],
  ])('equals the term-by-term sums for x=%d, z=%d', (x, z) => {
    const sut = queueSeries(x, z);
    const reference = naiveQueueSeries(x, z);

    for (const key of ['logWeight', 'logQueueLength', 'logServedWait'] as const) {
      expect(Math.abs(sut[key] - reference[key])).toBeLessThan(1e-9 * Math.max(1, Math.abs(reference[key])));
    }
  });

  it('agrees with the term-by-term sums wherever the largest term lies', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 2000, noNaN: true }), fc.double({ min: 0.01, max: 3000, noNaN: true }), (x, z) => {
        const sut = queueSeries(x, z);
        const reference = naiveQueueSeries(x, z);
        return (['logWeight', 'logQueueLength', 'logServedWait'] as const).every(
          (key) => Math.abs(sut[key] - reference[key]) < 1e-9 * Math.max(1, Math.abs(reference[key])),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('is exactly one waiting state without arrivals', () => {
    expect(queueSeries(5, 0)).toEqual({ logWeight: 0, logQueueLength: -Infinity, logServedWait: Math.log((5 / 6) * (1 / 6)) });
  });
});
