import { abandoned, answered, HOUR, T0 } from './contact-facts.test-fixtures';
import { KpiInputError } from './kpi-input.error';
import { kpiSettings } from './kpi-settings';
import { ServiceLevelKpi } from './service-level.kpi';

describe(ServiceLevelKpi.name, () => {
  const contacts = [
    answered('in', { at: T0, customerId: 'c1', waitS: 20, talkS: 60 }),
    answered('late', { at: T0, customerId: 'c2', waitS: 21, talkS: 60 }),
    abandoned('short', { at: T0, customerId: 'c3', waitS: 5 }),
    abandoned('early', { at: T0, customerId: 'c4', waitS: 6 }),
    abandoned('late-abandon', { at: T0, customerId: 'c5', waitS: 30 }),
  ];

  it('reads the variant the tenant chose', () => {
    const sut = new ServiceLevelKpi(kpiSettings({ serviceLevelVariant: 'abandons-within-threshold-in-favour' }));

    const reading = sut.read(contacts.reduce((sums, contact) => sut.add(sums, contact), sut.empty()));

    // answered 2 (1 within 20 s), long abandons 2 (1 within 20 s), the 5 s abandon is short.
    expect(reading).toEqual({
      variant: 'abandons-within-threshold-in-favour',
      value: 2 / 4,
      byVariant: { 'abandons-ignored': 1 / 2, 'abandons-count-against': 1 / 4, 'abandons-within-threshold-in-favour': 2 / 4 },
    });
  });

  it('moves the short-abandon line with the tenant threshold', () => {
    const sut = new ServiceLevelKpi(kpiSettings({ shortAbandonThresholdMs: 10_000 }));

    const sums = contacts.reduce((acc, contact) => sut.add(acc, contact), sut.empty());

    expect(sums).toMatchObject({ shortAbandoned: 2, abandoned: 1, abandonedWithinThreshold: 0 });
  });

  it('uses a channel threshold where one is set', () => {
    const sut = new ServiceLevelKpi(kpiSettings({ serviceLevelThresholdMsByChannel: { email: 4 * HOUR } }));
    const email = answered('mail', { at: T0, channel: 'email', queueId: 'email', customerId: 'c1', waitS: 3 * 3600, talkS: 60 });

    expect(sut.add(sut.empty(), email)).toMatchObject({ answered: 1, answeredWithinThreshold: 1 });
  });

  it('reads no data as null, and ignores contacts still waiting', () => {
    const sut = new ServiceLevelKpi(kpiSettings());
    const waiting = { ...abandoned('waiting', { at: T0, customerId: 'c1', waitS: 1 }), abandonedAt: undefined };

    const reading = sut.read(sut.add(sut.empty(), waiting));

    expect(reading.value).toBeNull();
    expect(reading.byVariant['abandons-ignored']).toBeNull();
  });

  it('rejects a contact both answered and abandoned', () => {
    const sut = new ServiceLevelKpi(kpiSettings());
    const broken = { ...answered('x', { at: T0, customerId: 'c1', waitS: 1, talkS: 1 }), abandonedAt: T0 + 2000 };

    expect(() => sut.add(sut.empty(), broken)).toThrow(KpiInputError);
  });
});
