import fc from 'fast-check';
import { erlangC, erlangCMetrics } from './erlang-c.calculator';
import { StaffingInputError } from './staffing-input.error';

/**
 * Reference Erlang C from its definition, summed in log space:
 * C = T_N·N/(N−A) / (Σ_{k<N} T_k + T_N·N/(N−A)) with ln T_k = k·ln A − ln k!.
 */
function logSpaceErlangC(agents: number, traffic: number): number {
  const logTerms: number[] = [0];
  for (let k = 1; k <= agents; k++) logTerms.push(logTerms[k - 1] + Math.log(traffic) - Math.log(k));
  const logWaiting = logTerms[agents] + Math.log(agents / (agents - traffic));
  const largest = Math.max(logWaiting, ...logTerms);
  let idle = 0;
  for (let k = 0; k < agents; k++) idle += Math.exp(logTerms[k] - largest);
  const waiting = Math.exp(logWaiting - largest);
  return waiting / (idle + waiting);
}

describe(erlangC.name, () => {
  it('reproduces the published Call Centre Helper example (A = 10 Erlangs, N = 14)', () => {
    const sut = erlangC(14, 10);

    expect(sut.toFixed(5)).toBe('0.17413');
  });

  it.each([
    [1, 0.5],
    [12, 10],
    [100, 92.5],
    [1000, 980],
    [5000, 4950],
    [5000, 4999.5],
  ])('matches a log-space evaluation of the definition for N=%d, A=%d', (agents, traffic) => {
    const sut = erlangC(agents, traffic);

    expect(Number.isFinite(sut)).toBe(true);
    expect(Math.abs(sut - logSpaceErlangC(agents, traffic)) / sut).toBeLessThan(1e-9);
  });

  it('is 1 when agents do not exceed traffic', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(erlangC(3, 7.5)).toBe(1);
  });

  it('is a probability', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0, max: 3500, noNaN: true }), (agents, traffic) => {
        const sut = erlangC(agents, traffic);
        return sut >= 0 && sut <= 1;
      }),
    );
  });

  it('rejects zero agents', () => {
    expect(() => erlangC(0, 1)).toThrow(StaffingInputError);
  });
});

describe(erlangCMetrics.name, () => {
  it('reproduces the published service level and occupancy for 14 agents', () => {
    const sut = erlangCMetrics({ agents: 14, trafficErlangs: 10, ahtSeconds: 180, answerTimeSeconds: 20 });

    // SL = 1 − 0.174132·e^{−(14−10)·20/180}; ASA = 0.174132·180 / 4.
    expect(sut.stable).toBe(true);
    expect(sut.serviceLevel.toFixed(5)).toBe('0.88835');
    expect(sut.occupancy.toFixed(5)).toBe('0.71429');
    expect(sut.asaOverAllArrivalsSeconds).toBeCloseTo((sut.probabilityOfWaiting * 180) / 4, 12);
  });

  it('falls below an 80 % target with 13 agents', () => {
    const sut = erlangCMetrics({ agents: 13, trafficErlangs: 10, ahtSeconds: 180, answerTimeSeconds: 20 });

    expect(sut.serviceLevel.toFixed(3)).toBe('0.796');
  });

  it('flags an unstable queue instead of returning nonsense', () => {
    const sut = erlangCMetrics({ agents: 10, trafficErlangs: 12, ahtSeconds: 180, answerTimeSeconds: 20 });

    expect(sut).toEqual({
      stable: false,
      probabilityOfWaiting: 1,
      serviceLevel: 0,
      asaOverAllArrivalsSeconds: Infinity,
      occupancy: 1,
    });
  });

  it('never lowers the service level when an agent is added', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 1, max: 3600, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (agents, trafficErlangs, ahtSeconds, answerTimeSeconds) => {
          const sl = (n: number) => erlangCMetrics({ agents: n, trafficErlangs, ahtSeconds, answerTimeSeconds }).serviceLevel;
          return sl(agents) <= sl(agents + 1);
        },
      ),
    );
  });

  it('keeps probabilities and occupancy in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 600, noNaN: true }),
        (agents, trafficErlangs, answerTimeSeconds) => {
          const sut = erlangCMetrics({ agents, trafficErlangs, ahtSeconds: 240, answerTimeSeconds });
          return [sut.probabilityOfWaiting, sut.serviceLevel, sut.occupancy].every((p) => p >= 0 && p <= 1);
        },
      ),
    );
  });

  it('gives finite, exact values for 5,000 agents', () => {
    const sut = erlangCMetrics({ agents: 5000, trafficErlangs: 4980, ahtSeconds: 300, answerTimeSeconds: 20 });
    const reference = logSpaceErlangC(5000, 4980);

    expect(sut.stable).toBe(true);
    expect(Math.abs(sut.probabilityOfWaiting - reference) / reference).toBeLessThan(1e-9);
    expect(sut.serviceLevel).toBeCloseTo(1 - reference * Math.exp((-20 * 20) / 300), 9);
    expect(sut.asaOverAllArrivalsSeconds).toBeCloseTo((reference * 300) / 20, 8);
  });
});
