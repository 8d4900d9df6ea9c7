import fc from 'fast-check';
import { erlangCMetrics } from './erlang-c.calculator';
import { requiredAgents, type StaffingRequirementInput } from './required-agents.calculator';
import { StaffingInputError } from './staffing-input.error';

describe(requiredAgents.name, () => {
  const publishedExample: StaffingRequirementInput = {
    callsPerInterval: 100,
    intervalSeconds: 30 * 60,
    ahtSeconds: 180,
    targetServiceLevel: 0.8,
    targetAnswerTimeSeconds: 20,
    maxOccupancy: 0.85,
    shrinkage: 0.3,
  };

  it('reproduces the published Call Centre Helper example', () => {
    const sut = requiredAgents(publishedExample);

    // A = 100·180/1800 = 10; 13 agents give SL 0.796 < 0.8, 14 give 0.88835;
    // shrinkage: ceil(14 / 0.7) = 20.
    expect(sut.trafficErlangs).toBe(10);
    expect(sut.rawAgents).toBe(14);
    expect(sut.agentsWithShrinkage).toBe(20);
    expect(sut.serviceLevel.toFixed(5)).toBe('0.88835');
    expect(sut.occupancy.toFixed(5)).toBe('0.71429');
    expect(sut.probabilityOfWaiting.toFixed(5)).toBe('0.17413');
    expect(sut.asa).toBeCloseTo((sut.probabilityOfWaiting * 180) / 4, 12);
  });

  it('adds agents when the occupancy cap binds before the service level', () => {
    const sut = requiredAgents({ ...publishedExample, targetServiceLevel: 0.5, maxOccupancy: 0.6 });

    // ceil(10 / 0.6) = 17 agents, although fewer would already answer half the calls in 20 s.
    expect(sut.rawAgents).toBe(17);
    expect(sut.occupancy).toBeLessThanOrEqual(0.6);
  });

  it('needs nobody for no calls', () => {
    const sut = requiredAgents({ ...publishedExample, callsPerInterval: 0 });

    expect(sut).toMatchObject({ rawAgents: 0, agentsWithShrinkage: 0, serviceLevel: 1, probabilityOfWaiting: 0 });
  });

  it('returns the smallest staffing that meets every target', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 30, max: 900 }),
        fc.double({ min: 0.05, max: 0.98, noNaN: true }),
        fc.integer({ min: 0, max: 120 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (callsPerInterval, ahtSeconds, targetServiceLevel, targetAnswerTimeSeconds, maxOccupancy, shrinkage) => {
          const input = { callsPerInterval, intervalSeconds: 1800, ahtSeconds, targetServiceLevel, targetAnswerTimeSeconds, maxOccupancy, shrinkage };
          const sut = requiredAgents(input);
          const fewerFails = (agents: number) => {
            if (agents === 0) return true;
            const fewer = erlangCMetrics({ agents, trafficErlangs: sut.trafficErlangs, ahtSeconds, answerTimeSeconds: targetAnswerTimeSeconds });
            return !fewer.stable || fewer.serviceLevel < targetServiceLevel || fewer.occupancy > maxOccupancy;
          };
          return (
            sut.serviceLevel >= targetServiceLevel &&
            sut.occupancy <= maxOccupancy &&
            fewerFails(sut.rawAgents - 1) &&
            sut.agentsWithShrinkage >= (sut.rawAgents / (1 - shrinkage)) * (1 - 1e-12) &&
            sut.agentsWithShrinkage - 1 < sut.rawAgents / (1 - shrinkage)
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    ['a service level target of 100 %', { targetServiceLevel: 1 }],
    ['shrinkage of 100 %', { shrinkage: 1 }],
    ['zero occupancy', { maxOccupancy: 0 }],
    ['an empty interval', { intervalSeconds: 0 }],
    ['negative calls', { callsPerInterval: -1 }],
  ])('rejects %s', (_, override) => {
    expect(() => requiredAgents({ ...publishedExample, ...override })).toThrow(StaffingInputError);
  });
});
