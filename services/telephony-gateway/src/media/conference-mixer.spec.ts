import { mixMinusOwn, PartyJitterBuffer } from './conference-mixer';

const frame = (value: number, length = 4) => new Int16Array(length).fill(value);

describe(mixMinusOwn.name, () => {
  it('gives each party the sum of the others, never its own audio', () => {
    const sut = mixMinusOwn([frame(100), frame(20), frame(3)], 4);

    expect(sut.map((f) => [...f])).toEqual([
      [23, 23, 23, 23],
      [103, 103, 103, 103],
      [120, 120, 120, 120],
    ]);
  });

  it('clips the sum to 16 bits instead of wrapping', () => {
    const sut = mixMinusOwn([frame(30_000), frame(30_000), frame(-30_000), frame(-30_000)], 4);

    // Party 0 hears 30000 - 60000 = -30000; with two loud parties of the same sign it clips.
    expect(mixMinusOwn([frame(30_000), frame(30_000), frame(0)], 4)[2][0]).toBe(32767);
    expect(mixMinusOwn([frame(-30_000), frame(-30_000), frame(0)], 4)[2][0]).toBe(-32768);
    expect(sut[0][0]).toBe(-30_000);
  });

  it('treats a missing input as silence', () => {
    const sut = mixMinusOwn([undefined, frame(7), undefined], 4);

    expect(sut.map((f) => f[0])).toEqual([7, 0, 7]);
  });
});

describe(PartyJitterBuffer.name, () => {
  it('waits until primed, then hands out frames across packet boundaries', () => {
    const sut = new PartyJitterBuffer(6, 100);
    sut.push(Int16Array.from([1, 2, 3, 4]));

    expect(sut.take(4)).toBeUndefined();
    sut.push(Int16Array.from([5, 6, 7]));
    expect([...(sut.take(4) as Int16Array)]).toEqual([1, 2, 3, 4]);
    expect(sut.take(4)).toBeUndefined();
    expect(sut.size).toBe(3);
  });

  it('primes again after running dry', () => {
    const sut = new PartyJitterBuffer(4, 100);
    sut.push(frame(1, 4));
    sut.take(4);
    const dry = sut.take(2);
    sut.push(frame(2, 2));
    const priming = sut.take(2);
    sut.push(frame(3, 2));

    expect([dry, priming]).toEqual([undefined, undefined]);
    expect([...(sut.take(2) as Int16Array)]).toEqual([2, 2]);
  });

  it('drops the oldest audio beyond its bound so delay cannot build up', () => {
    const sut = new PartyJitterBuffer(2, 4);
    sut.push(Int16Array.from([1, 2, 3]));
    sut.push(Int16Array.from([4, 5, 6]));

    expect(sut.size).toBe(4);
    expect([...(sut.take(4) as Int16Array)]).toEqual([3, 4, 5, 6]);
  });
});
