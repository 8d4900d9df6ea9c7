import fc from 'fast-check';
import { FifoLog } from './fifo-log';

describe(FifoLog.name, () => {
  it('keeps insertion order, drops the oldest and finds the newest value of a key, like a list', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(40)), { maxLength: 2_000 }), (ops) => {
        const sut = new FifoLog<string, number>();
        let model: [string, number][] = [];
        ops.forEach(([append, key], value) => {
          if (append || model.length === 0) {
            sut.append(`k${key}`, value);
            model.push([`k${key}`, value]);
          } else {
            sut.dropOldest();
            model = model.slice(1);
          }
        });
        expect([...sut]).toEqual(model);
        expect(sut.size).toBe(model.length);
        for (let key = 0; key <= 40; key++) {
          expect(sut.find(`k${key}`)).toBe(model.findLast(([k]) => k === `k${key}`)?.[1]);
        }
      }),
      { numRuns: 50 },
    );
  });
});
