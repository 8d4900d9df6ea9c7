import fc from 'fast-check';
import { erlangA, type ErlangAInput, type ErlangAMetrics } from './erlang-a.calculator';
import { erlangCMetrics } from './erlang-c.calculator';
import { StaffingInputError } from './staffing-input.error';

/**
 * Erlang A straight from the Markov chain, sharing no formula with the implementation: the
 * stationary distribution of the birth–death chain truncated far out, and for an arrival that
 * finds j waiting, the chain of "customers ahead" (moves on at N·μ + m·γ, the caller hangs up at
 * γ) solved by first-step analysis and, for the answer-time distribution, by uniformization.
 */
function markovChainErlangA(input: ErlangAInput): Omit<ErlangAMetrics, 'occupancy'> {
  const { agents, trafficErlangs, ahtSeconds, patienceSeconds, answerTimeSeconds: t } = input;
  const mu = 1 / ahtSeconds;
  const gamma = 1 / patienceSeconds;
  const lambda = trafficErlangs * mu;
  const maxQueue = 400;

  const weights = [1];
  for (let k = 1; k <= agents + maxQueue; k++) {
    weights.push((weights[k - 1] * lambda) / (Math.min(k, agents) * mu + Math.max(0, k - agents) * gamma));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const p = weights.map((w) => w / total);

  let noWait = 0;
  for (let k = 0; k < agents; k++) noWait += p[k];
  let abandonRate = 0;
  let served = noWait;
  let servedWithinT = noWait;
  let servedWait = 0;
  for (let j = 0; j <= maxQueue; j++) {
    const pj = p[agents + j];
    abandonRate += j * gamma * pj;
    if (pj < 1e-20) continue;
    const progress = (m: number) => agents * mu + m * gamma;

    // u = P(served), w = E[wait; served], from m ahead down to 0.
    let u = 1;
    let w = 0;
    for (let m = 0; m <= j; m++) {
      const out = progress(m) + gamma;
      u = (progress(m) / out) * u;
      // The first sojourn (mean 1/out) is independent of how the wait ends.
      w = u / out + (progress(m) / out) * w;
    }

    const uniform = progress(j) + gamma;
    let state = new Array<number>(j + 1).fill(0);
    state[j] = 1;
    let servedBy = 0;
    let poisson = Math.exp(-uniform * t);
    let withinT = poisson * servedBy;
    for (let step = 1; step < uniform * t + 20 * Math.sqrt(uniform * t) + 50; step++) {
      const next = new Array<number>(j + 1).fill(0);
      for (let m = 0; m <= j; m++) {
        const move = (state[m] * progress(m)) / uniform;
        if (m === 0) servedBy += move;
        else next[m - 1] += move;
        next[m] += state[m] * (1 - (progress(m) + gamma) / uniform);
      }
      state = next;
      poisson *= (uniform * t) / step;
      withinT += poisson * servedBy;
    }

    served += pj * u;
    servedWithinT += pj * withinT;
    servedWait += pj * w;
  }
  let waiting = 0;
  for (let k = agents; k < p.length; k++) waiting += p[k];
  const probabilityOfAbandoning = abandonRate / lambda;
  return {
    probabilityOfWaiting: waiting,
    probabilityOfAbandoning,
    serviceLevel: servedWithinT,
    asaOverAllArrivalsSeconds: probabilityOfAbandoning * patienceSeconds,
    asaOfAnsweredSeconds: servedWait / served,
  };
}

// Relative agreement, or absolute agreement for values too small to matter (the documented
// accuracy of the log-space sums is absolute).
const agrees = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-12;

describe(erlangA.name, () => {
  it.each<[string, ErlangAInput]>([
    ['a small team', { agents: 3, trafficErlangs: 2.5, ahtSeconds: 180, patienceSeconds: 120, answerTimeSeconds: 20 }],
    ['one agent', { agents: 1, trafficErlangs: 0.5, ahtSeconds: 60, patienceSeconds: 30, answerTimeSeconds: 10 }],
    ['an overloaded queue (N < A)', { agents: 2, trafficErlangs: 4, ahtSeconds: 180, patienceSeconds: 60, answerTimeSeconds: 30 }],
    ['patient callers near capacity', { agents: 10, trafficErlangs: 9, ahtSeconds: 300, patienceSeconds: 600, answerTimeSeconds: 60 }],
    // x = 20, y = 100: the most likely queue is about 80 long, far from empty.
    ['a long queue of patient callers', { agents: 2, trafficErlangs: 10, ahtSeconds: 100, patienceSeconds: 1000, answerTimeSeconds: 30 }],
  ])('agrees with the Markov chain solved directly for %s', (_, input) => {
    const sut = erlangA(input);
    const reference = markovChainErlangA(input);

    const deviations = (Object.keys(reference) as (keyof typeof reference)[])
      .filter((key) => !agrees(sut[key], reference[key]))
      .map((key) => ({ key, actual: sut[key], expected: reference[key] }));
    expect(deviations).toEqual([]);
  });

  it('tends to Erlang C as patience grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.double({ min: 10, max: 1800, noNaN: true }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        fc.double({ min: 1e6, max: 1e8, noNaN: true }),
        (agents, load, ahtSeconds, answerTimeSeconds, patienceInAht) => {
          const common = { agents, trafficErlangs: agents * load, ahtSeconds, answerTimeSeconds };
          const sut = erlangA({ ...common, patienceSeconds: patienceInAht * ahtSeconds });
          const limit = erlangCMetrics(common);
          return (
            Math.abs(sut.probabilityOfWaiting - limit.probabilityOfWaiting) < 1e-4 &&
            Math.abs(sut.serviceLevel - limit.serviceLevel) < 1e-4 &&
            sut.probabilityOfAbandoning < 1e-4 &&
            Math.abs(sut.asaOfAnsweredSeconds - limit.asaOverAllArrivalsSeconds) <= 1e-3 * limit.asaOverAllArrivalsSeconds + 1e-9
          );
        },
      ),
    );
  });

  it('stays valid without enough agents: the excess traffic abandons', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 1.05, max: 3, noNaN: true }),
        fc.double({ min: 1e5, max: 1e7, noNaN: true }),
        (agents, overload, patienceInAht) => {
          const sut = erlangA({
            agents,
            trafficErlangs: agents * overload,
            ahtSeconds: 200,
            patienceSeconds: patienceInAht * 200,
            answerTimeSeconds: 20,
          });
          // With very patient callers, the agents serve N of the A Erlangs and the rest abandon.
          return (
            Math.abs(sut.probabilityOfAbandoning - (1 - 1 / overload)) < 1e-3 &&
            Math.abs(sut.occupancy - 1) < 1e-3 &&
            sut.probabilityOfWaiting > 0.999
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('returns probabilities, answers no one it has not served and improves with every agent', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        fc.double({ min: 1, max: 1800, noNaN: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.double({ min: 1, max: 3600, noNaN: true }),
        (agents, trafficErlangs, ahtSeconds, answerTimeSeconds, patienceSeconds) => {
          const input = { agents, trafficErlangs, ahtSeconds, answerTimeSeconds, patienceSeconds };
          const sut = erlangA(input);
          const more = erlangA({ ...input, agents: agents + 1 });
          const probabilities = [sut.probabilityOfWaiting, sut.probabilityOfAbandoning, sut.serviceLevel, sut.occupancy];
          return (
            probabilities.every((value) => value >= 0 && value <= 1) &&
            sut.serviceLevel <= 1 - sut.probabilityOfAbandoning + 1e-9 &&
            sut.probabilityOfAbandoning <= sut.probabilityOfWaiting + 1e-9 &&
            more.serviceLevel >= sut.serviceLevel - 1e-9
          );
        },
      ),
    );
  });

  it('handles thousands of agents and very patient callers', () => {
    const sut = erlangA({ agents: 5000, trafficErlangs: 6000, ahtSeconds: 300, patienceSeconds: 3e8, answerTimeSeconds: 20 });

    // 5,000 of the 6,000 Erlangs are served, the rest abandons.
    expect(sut.probabilityOfAbandoning).toBeCloseTo(1 / 6, 6);
    expect(sut.occupancy).toBeCloseTo(1, 6);
  });

  it('answers everyone at once without traffic', () => {
    const sut = erlangA({ agents: 3, trafficErlangs: 0, ahtSeconds: 180, patienceSeconds: 60, answerTimeSeconds: 20 });

    expect(sut).toEqual({
      probabilityOfWaiting: 0,
      probabilityOfAbandoning: 0,
      serviceLevel: 1,
      asaOverAllArrivalsSeconds: 0,
      asaOfAnsweredSeconds: 0,
      occupancy: 0,
    });
  });

  it('rejects infinite patience: that is Erlang C', () => {
    expect(() =>
      erlangA({ agents: 3, trafficErlangs: 2, ahtSeconds: 180, patienceSeconds: Infinity, answerTimeSeconds: 20 }),
    ).toThrow(StaffingInputError);
  });
});
