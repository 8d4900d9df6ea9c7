import { FrameClock } from './frame-clock';

describe(FrameClock.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ticks every frame for every listener and stops when the last one leaves', () => {
    let now = 0;
    const sut = new FrameClock(20, () => now);
    const ticks: string[] = [];
    const stopA = sut.subscribe(() => ticks.push('a'));
    const stopB = sut.subscribe(() => ticks.push('b'));

    for (let i = 0; i < 3; i++) {
      now += 20;
      jest.advanceTimersByTime(20);
    }
    stopA();
    now += 20;
    jest.advanceTimersByTime(20);
    stopB();

    expect(ticks).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'b']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('replays ticks a stalled event loop missed', () => {
    let now = 0;
    const sut = new FrameClock(20, () => now);
    let ticks = 0;
    sut.subscribe(() => ticks++);

    now = 100;
    jest.advanceTimersByTime(20);

    expect(ticks).toBe(5);
  });

  it('skips what is beyond the catch-up limit and tells listeners how many frames it skipped', () => {
    let now = 0;
    const sut = new FrameClock(20, () => now);
    const calls: number[] = [];
    sut.subscribe((skipped) => calls.push(skipped));

    now = 300;
    jest.advanceTimersByTime(20);

    expect(calls).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
