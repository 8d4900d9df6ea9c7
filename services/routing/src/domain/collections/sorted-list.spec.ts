import fc from 'fast-check';
import { SortedList } from './sorted-list';

interface Entry {
  readonly key: number;
  readonly id: number;
}

const byKey = (a: Entry, b: Entry): number => a.key - b.key || a.id - b.id;

describe(SortedList.name, () => {
  const opArb = fc.oneof(
    fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  );

  it('behaves like a sorted array under any sequence of adds and deletes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (ops, chunkSize) => {
        const sut = new SortedList<Entry>(byKey, chunkSize);
        let model: Entry[] = [];
        let nextId = 0;
        for (const op of ops) {
          if (op.kind === 'add') {
            const entry = { key: op.key, id: nextId++ };
            sut.add(entry);
            model = [...model, entry].sort(byKey);
          } else if (model.length > 0) {
            const victim = model[op.pick % model.length];
            expect(sut.delete(victim)).toBe(true);
            model = model.filter((entry) => entry !== victim);
          }
          expect(sut.size).toBe(model.length);
        }
        expect(sut.toArray()).toEqual(model);
        expect([...sut]).toEqual(model);
        expect(sut.first()).toBe(model[0]);
        model.forEach((entry, index) => expect(sut.rank(entry)).toBe(index));
        expect(sut.find((entry) => entry.key >= 10)).toBe(model.find((entry) => entry.key >= 10));
      }),
    );
  });

  it('refuses to delete an element it does not hold, even one with an equal key', () => {
    const sut = new SortedList<Entry>(byKey);
    sut.add({ key: 1, id: 1 });

    expect(sut.delete({ key: 1, id: 1 })).toBe(false);
    expect(sut.size).toBe(1);
  });

  it('finds circularly: from the first element past the pivot, then wrapping to the start', () => {
    const sut = new SortedList<Entry>(byKey, 2);
    const entries = [1, 2, 3, 4, 5, 6, 7].map((key) => ({ key, id: key }));
    entries.forEach((entry) => sut.add(entry));
    const even = (entry: Entry): boolean => entry.key % 2 === 0;

    expect(sut.findCircular((entry) => entry.key <= 4, even)?.key).toBe(6);
    expect(sut.findCircular((entry) => entry.key <= 6, even)?.key).toBe(2);
    expect(sut.findCircular(() => true, even)?.key).toBe(2);
    expect(sut.findCircular(() => false, even)?.key).toBe(2);
    expect(
      sut.findCircular(
        (entry) => entry.key <= 3,
        () => false,
      ),
    ).toBeUndefined();
  });
});
