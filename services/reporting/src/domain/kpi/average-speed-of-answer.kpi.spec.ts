import { AverageSpeedOfAnswerKpi } from './average-speed-of-answer.kpi';
import { abandoned, answered, T0 } from './contact-facts.test-fixtures';
import { KpiInputError } from './kpi-input.error';
import { kpiSettings } from './kpi-settings';

describe(AverageSpeedOfAnswerKpi.name, () => {
  const sut = new AverageSpeedOfAnswerKpi(kpiSettings());

  it('averages queue time over answered contacts only', () => {
    const sums = [
      answered('a', { at: T0, customerId: 'c1', waitS: 10, talkS: 60 }),
      answered('b', { at: T0, customerId: 'c2', waitS: 35, talkS: 60 }),
      abandoned('c', { at: T0, customerId: 'c3', waitS: 300 }),
    ].reduce((acc, contact) => sut.add(acc, contact), sut.empty());

    // (10 + 35) / 2 s; the 300 s abandon is not an answer.
    expect(sut.read(sums)).toEqual({ asaOfAnsweredMs: 22_500 });
  });

  it('has no ASA without answers', () => {
    expect(sut.read(sut.empty())).toEqual({ asaOfAnsweredMs: null });
  });

  it('rejects an answer before the contact was queued', () => {
    const broken = { ...answered('a', { at: T0, customerId: 'c1', waitS: 0, talkS: 1 }), answeredAt: T0 - 1 };

    expect(() => sut.add(sut.empty(), broken)).toThrow(KpiInputError);
  });
});
