import { CompiledSteps, satisfies, stepProblems } from './routing-steps.policy';

describe(CompiledSteps.name, () => {
  const sut = new CompiledSteps([
    {
      conditions: [
        { skill: 'spanish', minLevel: 4 },
        { skill: 'billing', minLevel: 3 },
      ],
      expiresAfterMs: 10_000,
    },
    { conditions: [{ skill: 'spanish', minLevel: 2 }], expiresAfterMs: 20_000 },
  ]);

  it('finds the step in force by age, ending in "any agent" after the last', () => {
    expect(sut.stepAt(0)).toBe(0);
    expect(sut.stepAt(9_999)).toBe(0);
    expect(sut.stepAt(10_000)).toBe(1);
    expect(sut.stepAt(29_999)).toBe(1);
    expect(sut.stepAt(30_000)).toBe(2);
    expect(sut.conditions(2)).toEqual([]);
  });

  it('knows when each step ends', () => {
    expect([sut.endOf(0), sut.endOf(1), sut.endOf(2)]).toEqual([10_000, 30_000, undefined]);
  });

  it('gives equal keys to equal conditions in any order', () => {
    const reordered = new CompiledSteps([
      {
        conditions: [
          { skill: 'billing', minLevel: 3 },
          { skill: 'spanish', minLevel: 4 },
        ],
        expiresAfterMs: 1,
      },
    ]);

    expect(reordered.key(0)).toBe(sut.key(0));
    expect(sut.key(1)).not.toBe(sut.key(0));
    expect(sut.key(2)).toBe('');
  });

  it('never relaxes a last step without expiry', () => {
    const strict = new CompiledSteps([{ conditions: [{ skill: 'german', minLevel: 1 }] }]);

    expect(strict.stepAt(1e12)).toBe(0);
    expect(strict.endOf(0)).toBeUndefined();
  });
});

describe(satisfies.name, () => {
  it('needs every condition met, a missing skill counting as 0', () => {
    const skills = new Map([['spanish', 4]]);

    expect(satisfies(skills, [{ skill: 'spanish', minLevel: 4 }])).toBe(true);
    expect(satisfies(skills, [{ skill: 'spanish', minLevel: 5 }])).toBe(false);
    expect(
      satisfies(skills, [
        { skill: 'spanish', minLevel: 1 },
        { skill: 'billing', minLevel: 1 },
      ]),
    ).toBe(false);
    expect(satisfies(skills, [])).toBe(true);
  });
});

describe(stepProblems.name, () => {
  it('names every problem', () => {
    expect(
      stepProblems([
        { conditions: [{ skill: 'a', minLevel: 6 }] },
        {
          conditions: [
            { skill: 'b', minLevel: 1 },
            { skill: 'b', minLevel: 2 },
          ],
          expiresAfterMs: 0,
        },
        { conditions: [{ skill: '', minLevel: 1 }] },
      ]),
    ).toEqual([
      'step 1 needs an expiry because another step follows',
      'step 1 level for "a" must be 1 to 5',
      'step 2 expiry must be a positive whole number of ms',
      'step 2 names skill "b" twice',
      'step 3 has a condition without a skill',
    ]);
  });
});
