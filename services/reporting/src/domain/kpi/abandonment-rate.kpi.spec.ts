import { AbandonmentRateKpi } from './abandonment-rate.kpi';
import { abandoned, answered, T0 } from './contact-facts.test-fixtures';
import { kpiSettings } from './kpi-settings';

describe(AbandonmentRateKpi.name, () => {
  const contacts = [
    answered('a', { at: T0, customerId: 'c1', waitS: 10, talkS: 60 }),
    answered('b', { at: T0, customerId: 'c2', waitS: 10, talkS: 60 }),
    abandoned('short', { at: T0, customerId: 'c3', waitS: 2 }),
    abandoned('long', { at: T0, customerId: 'c4', waitS: 60 }),
  ];

  it.each([
    // 1 long abandon / (4 offered − 1 short)
    [false, { offered: 3, abandoned: 1, rate: 1 / 3 }],
    // 1 long abandon / 4 offered
    [true, { offered: 4, abandoned: 1, rate: 1 / 4 }],
  ])('with short abandons counted as offered: %s', (shortAbandonsCountAsOffered, expected) => {
    const sut = new AbandonmentRateKpi(kpiSettings({ shortAbandonsCountAsOffered }));

    expect(sut.read(contacts.reduce((sums, contact) => sut.add(sums, contact), sut.empty()))).toEqual(expected);
  });
});
