import { holdPeriods, holdWithin, mergeCallHolds } from './call-hold';

describe('call hold from the gateway events', () => {
  it('pairs each hold with the next resume, ignores repeats and closes an open hold at the call end', () => {
    const call = { heldAt: [10, 15, 50, 90], resumedAt: [5, 20, 30, 60], endedAt: 100 };

    // 5 resumes nothing; 10-20 (15 repeats the hold; 30 resumes nothing); 50-60; 90 to the end 100.
    expect(holdPeriods(call)).toEqual([
      { from: 10, to: 20 },
      { from: 50, to: 60 },
      { from: 90, to: 100 },
    ]);
    expect(holdPeriods({ heldAt: [10], resumedAt: [] })).toEqual([{ from: 10, to: Number.POSITIVE_INFINITY }]);
  });

  it('counts only the hold within one handling, over all calls of the interaction', () => {
    const calls = { a: { heldAt: [10], resumedAt: [20] }, b: { heldAt: [25], resumedAt: [], endedAt: 40 } };

    // Handling 15-30: 15-20 of call a and 25-30 of call b.
    expect(holdWithin(calls, 15, 30)).toBe(10);
    expect(holdWithin(undefined, 0, 100)).toBe(0);
  });

  it('merges records as the union of their events, the earliest end winning', () => {
    expect(mergeCallHolds({ heldAt: [10, 30], resumedAt: [20] }, { heldAt: [30], resumedAt: [40], endedAt: 50 })).toEqual({ heldAt: [10, 30], resumedAt: [20, 40], endedAt: 50 });
  });
});
