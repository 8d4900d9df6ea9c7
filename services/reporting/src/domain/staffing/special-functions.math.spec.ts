import fc from 'fast-check';
import { digammaDifference, logAddExp, logGamma1p, logistic, logPoissonWeight } from './special-functions.math';

const logFactorial = (n: number) => {
  let sum = 0;
  for (let k = 2; k <= n; k++) sum += Math.log(k);
  return sum;
};

describe(logGamma1p.name, () => {
  it.each([0, 1, 2, 7, 14, 15, 16, 30, 170])('equals ln %d!', (n) => {
    expect(logGamma1p(n)).toBeCloseTo(logFactorial(n), 12);
  });

  it('extends to non-integers (Γ(1.5) = √π / 2)', () => {
    expect(logGamma1p(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 13);
  });
});

describe(logPoissonWeight.name, () => {
  it('equals the Poisson probability at integer points', () => {
    // e^{−4}·4^3 / 3! and, past the small-argument branch, e^{−20}·20^18 / 18!
    expect(Math.exp(logPoissonWeight(3, 4))).toBeCloseTo((Math.exp(-4) * 64) / 6, 14);
    expect(logPoissonWeight(18, 20)).toBeCloseTo(-20 + 18 * Math.log(20) - logFactorial(18), 12);
  });

  it('gives ratios of far-apart weights as exactly as a direct product', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 20000 }),
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        (x, steps, z) => {
          // ln Π_{i=1}^{steps} z/(x+i), summed term by term.
          let direct = 0;
          for (let i = 1; i <= steps; i++) direct += Math.log(z / (x + i));
          const sut = logPoissonWeight(x + steps, z) - logPoissonWeight(x, z);
          return Math.abs(sut - direct) <= 1e-9 * Math.max(1, Math.abs(direct));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe(digammaDifference.name, () => {
  it('equals the harmonic-like sum it stands for', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 50000 }), (a, n) => {
        let direct = 0;
        for (let k = 0; k < n; k++) direct += 1 / (a + k);
        return Math.abs(digammaDifference(a, n) - direct) <= 1e-12 * Math.max(1e-300, direct);
      }),
      { numRuns: 200 },
    );
  });
});

describe(logAddExp.name, () => {
  it('adds weights without overflow and treats −∞ as zero', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(Infinity, 3)).toBe(Infinity);
  });
});

describe(logistic.name, () => {
  it('is exact at both ends', () => {
    expect(logistic(Infinity)).toBe(1);
    expect(logistic(-Infinity)).toBe(0);
    expect(logistic(0)).toBe(0.5);
  });
});
