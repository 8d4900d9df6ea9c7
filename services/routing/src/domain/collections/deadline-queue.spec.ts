import fc from 'fast-check';
import { DeadlineQueue, Scheduled } from './deadline-queue';

interface Timer extends Scheduled {
  readonly name: string;
}

const timer = (name: string): Timer => ({ name, heapIndex: -1 });
const names = (timers: Timer[]) => timers.map((t) => t.name);

describe(DeadlineQueue.name, () => {
  it('pops due elements earliest first, ties by tie-break', () => {
    const sut = new DeadlineQueue<Timer>();
    sut.set(timer('late'), 30, 1);
    sut.set(timer('b'), 10, 2);
    sut.set(timer('a'), 10, 1);
    sut.set(timer('never'), 99, 0);

    expect(names(sut.popDue(30, []))).toEqual(['a', 'b', 'late']);
    expect(sut.peekTime()).toBe(99);
  });

  it('keeps one entry per element: setting again reschedules', () => {
    const sut = new DeadlineQueue<Timer>();
    const x = timer('x');
    sut.set(x, 10, 0);
    sut.set(x, 50, 0);

    expect(sut.popDue(20, [])).toEqual([]);
    expect(names(sut.popDue(50, []))).toEqual(['x']);
    expect(sut.peekTime()).toBeNull();
    expect(x.heapIndex).toBe(-1);
  });

  it('agrees with a sorted model under random sets and deletes', () => {
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.nat(15), at: fc.nat(100) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.nat(15) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), fc.nat(100), (ops, now) => {
        const sut = new DeadlineQueue<Timer>();
        const timers = Array.from({ length: 16 }, (_, key) => timer(`k${key}`));
        const model = new Map<number, number>();
        for (const op of ops) {
          if (op.kind === 'set') {
            sut.set(timers[op.key], op.at, op.key);
            model.set(op.key, op.at);
          } else {
            sut.delete(timers[op.key]);
            model.delete(op.key);
          }
        }
        const expected = [...model]
          .filter(([, at]) => at <= now)
          .sort(([a, atA], [b, atB]) => atA - atB || a - b)
          .map(([key]) => `k${key}`);
        expect(names(sut.popDue(now, []))).toEqual(expected);
        const rest = [...model.values()].filter((at) => at > now);
        expect(sut.peekTime()).toBe(rest.length === 0 ? null : Math.min(...rest));
      }),
    );
  });
});
