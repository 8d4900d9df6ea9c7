import { erlangB } from './erlang-b.calculator';
import { StaffingInputError } from './staffing-input.error';

describe(erlangB.name, () => {
  // B = (A^N / N!) / Σ_{k=0}^{N} A^k / k!, fine to evaluate directly for small N.
  const direct = (agents: number, traffic: number) => {
    let term = 1;
    let sum = 1;
    for (let k = 1; k <= agents; k++) {
      term *= traffic / k;
      sum += term;
    }
    return term / sum;
  };

  it.each([
    [1, 1],
    [5, 3.2],
    [10, 10],
    [20, 14.5],
  ])('matches the defining formula for N=%d, A=%d', (agents, traffic) => {
    const sut = erlangB(agents, traffic);

    expect(sut).toBeCloseTo(direct(agents, traffic), 14);
  });

  it('is 1 without agents and 0 without traffic', () => {
    expect(erlangB(0, 3)).toBe(1);
    expect(erlangB(7, 0)).toBe(0);
  });

  it('stays finite for thousands of agents', () => {
    const sut = erlangB(5000, 4900);

    expect(sut).toBeGreaterThan(0);
    expect(sut).toBeLessThan(1);
  });

  it('rejects fractional agents and negative traffic', () => {
    expect(() => erlangB(2.5, 1)).toThrow(StaffingInputError);
    expect(() => erlangB(2, -1)).toThrow(StaffingInputError);
  });
});
