import { answered, T0 } from './contact-facts.test-fixtures';
import { HandleTimeKpi } from './handle-time.kpi';
import { KpiInputError } from './kpi-input.error';

describe(HandleTimeKpi.name, () => {
  const sut = new HandleTimeKpi();

  it('counts only visits whose handling has ended', () => {
    const done = answered('done', { at: T0, customerId: 'c1', waitS: 5, talkS: 200, holdS: 40, acwS: 60, transferred: true });
    const onCall = { ...answered('on-call', { at: T0, customerId: 'c2', waitS: 5, talkS: 100 }), handledEnd: undefined };

    const sums = [done, onCall].reduce((acc, contact) => sut.add(acc, contact), sut.empty());

    // (200 + 40 + 60) s / 1 handled
    expect(sut.read(sums)).toEqual({ ahtMs: 300_000, averageTalkMs: 200_000, averageHoldMs: 40_000, averageAcwMs: 60_000, transferRate: 1 });
  });

  it('rejects negative durations', () => {
    const broken = { ...answered('x', { at: T0, customerId: 'c1', waitS: 5, talkS: 10 }), holdMs: -1 };

    expect(() => sut.add(sut.empty(), broken)).toThrow(KpiInputError);
  });
});
