import { KpiInputError } from './kpi-input.error';
import { SurveyKpi } from './survey.kpi';

describe(SurveyKpi.name, () => {
  const sut = new SurveyKpi();

  it('reads CSAT as the share of 4-5 answers, NPS as promoters minus detractors in points, CES as the mean', () => {
    // CSAT 5, 4, 2 → 2 of 3 satisfied, mean 11/3; NPS 10, 9, 7, 3 → (2 − 1) / 4 = 25; CES 2, 5 → 3.5.
    const answers = [{ csat: 5, nps: 10, ces: 2 }, { csat: 4, nps: 9 }, { csat: 2, nps: 7, ces: 5 }, { nps: 3 }];

    const reading = sut.read(answers.reduce((sums, a) => sut.add(sums, a), sut.empty()));

    expect(reading).toEqual({ csat: 2 / 3, csatAverage: 11 / 3, nps: 25, ces: 3.5 });
  });

  it('reads nothing without answers and refuses scores off the scale', () => {
    expect(sut.read(sut.empty())).toEqual({ csat: null, csatAverage: null, nps: null, ces: null });
    expect(() => sut.add(sut.empty(), { csat: 6 })).toThrow(KpiInputError);
    expect(() => sut.add(sut.empty(), { nps: -1 })).toThrow(KpiInputError);
  });
});
