import fc from 'fast-check';
import { Linked, LinkedSortedList } from './linked-sorted-list';

interface Entry extends Linked<Entry> {
  key: number;
  readonly id: number;
}

const anEntry = (key: number, id: number): Entry => ({ key, id, prev: undefined, next: undefined, list: undefined });

const byKey = (a: Entry, b: Entry): number => a.key - b.key || a.id - b.id;

describe(LinkedSortedList.name, () => {
  it('stays sorted under adds, deletes and re-keying, like a sorted array', () => {
    const opArb = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
      // The usual case: an element moves to a key at least as late as every other one.
      fc.record({ kind: fc.constant('touch' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const sut = new LinkedSortedList<Entry>(byKey);
        let model: Entry[] = [];
        let nextId = 0;
        let latest = 30;
        for (const op of ops) {
          if (op.kind === 'add') {
            const entry = anEntry(op.key, nextId++);
            sut.add(entry);
            model.push(entry);
          } else if (model.length > 0) {
            const entry = model[op.pick % model.length];
            expect(sut.delete(entry)).toBe(true);
            model = model.filter((other) => other !== entry);
            if (op.kind === 'touch') {
              entry.key = ++latest;
              sut.add(entry);
              model.push(entry);
            }
          }
          model.sort(byKey);
          expect([...sut]).toEqual(model);
        }
        expect(sut.find((entry) => entry.key >= 15)).toBe(model.find((entry) => entry.key >= 15));
      }),
    );
  });

  it('refuses to delete an element it does not hold', () => {
    const sut = new LinkedSortedList<Entry>(byKey);
    const other = new LinkedSortedList<Entry>(byKey);
    const held = anEntry(1, 2);
    sut.add(anEntry(1, 1));
    other.add(held);

    expect(sut.delete(anEntry(1, 1))).toBe(false);
    expect(sut.delete(held)).toBe(false);
    expect([...other]).toEqual([held]);
  });

  it('finds circularly: from the first element past the pivot, then wrapping to the start', () => {
    const sut = new LinkedSortedList<Entry>(byKey);
    [5, 1, 4, 2, 3, 7, 6].forEach((key) => sut.add(anEntry(key, key)));
    const even = (entry: Entry): boolean => entry.key % 2 === 0;

    expect(sut.findCircular((entry) => entry.key <= 4, even)?.key).toBe(6);
    expect(sut.findCircular((entry) => entry.key <= 6, even)?.key).toBe(2);
    expect(sut.findCircular(() => true, even)?.key).toBe(2);
    expect(
      sut.findCircular(
        (entry) => entry.key <= 3,
        () => false,
      ),
    ).toBeUndefined();
    expect(
      new LinkedSortedList<Entry>(byKey).findCircular(
        () => false,
        () => true,
      ),
    ).toBeUndefined();
  });
});
