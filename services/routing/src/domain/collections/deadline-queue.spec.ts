import fc from 'fast-check';
import { DeadlineQueue } from './deadline-queue';

describe(DeadlineQueue.name, () => {
  it('pops due keys earliest first, ties by tie-break', () => {
    const sut = new DeadlineQueue();
    sut.set('late', 30, 1);
    sut.set('b', 10, 2);
    sut.set('a', 10, 1);
    sut.set('never', 99, 0);

    expect(sut.popDue(30)).toEqual(['a', 'b', 'late']);
    expect(sut.peekTime()).toBe(99);
  });

  it('keeps one entry per key: setting again reschedules', () => {
    const sut = new DeadlineQueue();
    sut.set('x', 10, 0);
    sut.set('x', 50, 0);

    expect(sut.popDue(20)).toEqual([]);
    expect(sut.popDue(50)).toEqual(['x']);
    expect(sut.peekTime()).toBeNull();
  });

  it('agrees with a sorted model under random sets and deletes', () => {
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.nat(15), at: fc.nat(100) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.nat(15) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), fc.nat(100), (ops, now) => {
        const sut = new DeadlineQueue();
        const model = new Map<string, number>();
        for (const op of ops) {
          const key = `k${op.key}`;
          if (op.kind === 'set') {
            sut.set(key, op.at, op.key);
            model.set(key, op.at);
          } else {
            sut.delete(key);
            model.delete(key);
          }
        }
        const expected = [...model]
          .filter(([, at]) => at <= now)
          .sort(([a, atA], [b, atB]) => atA - atB || Number(a.slice(1)) - Number(b.slice(1)))
          .map(([key]) => key);
        expect(sut.popDue(now)).toEqual(expected);
        const rest = [...model.values()].filter((at) => at > now);
        expect(sut.peekTime()).toBe(rest.length === 0 ? null : Math.min(...rest));
      }),
    );
  });
});
