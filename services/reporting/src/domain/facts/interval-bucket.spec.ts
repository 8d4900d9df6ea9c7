import { INTERVAL_MS, intervalStart, splitByInterval } from './interval-bucket';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const MINUTE = 60_000;

describe(intervalStart.name, () => {
  it('maps a time to the start of its UTC quarter hour, the start itself included', () => {
    expect(intervalStart(T0)).toBe(T0);
    expect(intervalStart(T0 + 14 * MINUTE + 59_999)).toBe(T0);
    expect(intervalStart(T0 + 15 * MINUTE)).toBe(T0 + INTERVAL_MS);
  });
});

describe(splitByInterval.name, () => {
  it('splits a span at interval boundaries, keeping every millisecond once', () => {
    const sut = splitByInterval(T0 + 10 * MINUTE, T0 + 40 * MINUTE);

    expect(sut).toEqual([
      { intervalStart: T0, ms: 5 * MINUTE },
      { intervalStart: T0 + INTERVAL_MS, ms: 15 * MINUTE },
      { intervalStart: T0 + 2 * INTERVAL_MS, ms: 10 * MINUTE },
    ]);
  });

  it('gives nothing for an empty or reversed span', () => {
    expect(splitByInterval(T0, T0)).toEqual([]);
    expect(splitByInterval(T0 + MINUTE, T0)).toEqual([]);
  });
});
