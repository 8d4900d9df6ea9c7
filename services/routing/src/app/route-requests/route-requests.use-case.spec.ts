import { withRequiredSkills } from './route-requests.use-case';

describe(withRequiredSkills.name, () => {
  it('adds the contact skills to every queue step and keeps them after the last step expires', () => {
    const sut = withRequiredSkills(
      [
        { conditions: [{ skill: 'billing', minLevel: 4 }, { skill: 'thai', minLevel: 2 }], expiresAfterMs: 30_000 },
        { conditions: [{ skill: 'billing', minLevel: 2 }], expiresAfterMs: 60_000 },
      ],
      [{ skill: 'thai', minLevel: 3 }],
    );

    expect(sut).toEqual([
      { conditions: [{ skill: 'billing', minLevel: 4 }, { skill: 'thai', minLevel: 3 }], expiresAfterMs: 30_000 },
      { conditions: [{ skill: 'billing', minLevel: 2 }, { skill: 'thai', minLevel: 3 }], expiresAfterMs: 60_000 },
      { conditions: [{ skill: 'thai', minLevel: 3 }] },
    ]);
  });

  it('needs no extra step when the queue has a last step that never relaxes', () => {
    expect(withRequiredSkills([{ conditions: [] }], [{ skill: 'thai', minLevel: 3 }])).toEqual([{ conditions: [{ skill: 'thai', minLevel: 3 }] }]);
  });
});
