import { SeededRandom } from './seeded-random';

describe(SeededRandom.name, () => {
  const draw = (random: SeededRandom, count: number, sample: (r: SeededRandom) => number) =>
    Array.from({ length: count }, () => sample(random));

  it('repeats its sequence for the same seed and differs for another', () => {
    expect(draw(new SeededRandom(42), 5, (r) => r.next())).toEqual(draw(new SeededRandom(42), 5, (r) => r.next()));
    expect(draw(new SeededRandom(42), 5, (r) => r.next())).not.toEqual(draw(new SeededRandom(43), 5, (r) => r.next()));
  });

  it('is uniform on [0, 1)', () => {
    const values = draw(new SeededRandom(1), 100_000, (r) => r.next());
    const deciles = Array.from({ length: 10 }, (_, d) => values.filter((v) => v >= d / 10 && v < (d + 1) / 10).length);

    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Each decile holds 10,000 ± a few standard deviations (σ ≈ 95).
    for (const count of deciles) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('draws exponentials with the requested mean and memoryless tail', () => {
    const values = draw(new SeededRandom(2), 100_000, (r) => r.exponential(180));
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const beyondMean = values.filter((v) => v > 180).length / values.length;

    expect(mean).toBeGreaterThan(177);
    expect(mean).toBeLessThan(183);
    expect(beyondMean).toBeCloseTo(Math.exp(-1), 2);
  });
});
