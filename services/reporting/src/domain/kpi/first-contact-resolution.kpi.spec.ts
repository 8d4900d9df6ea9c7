import { FirstContactResolutionKpi } from './first-contact-resolution.kpi';

describe(FirstContactResolutionKpi.name, () => {
  const sut = new FirstContactResolutionKpi();

  it('rates resolved over settled outcomes', () => {
    const sums = (['resolved', 'repeated', 'resolved', 'resolved'] as const).reduce((acc, outcome) => sut.add(acc, outcome), sut.empty());

    expect(sums).toEqual({ resolved: 3, repeated: 1 });
    expect(sut.read(sums)).toEqual({ rate: 0.75 });
    expect(sut.read(sut.empty())).toEqual({ rate: null });
  });
});
