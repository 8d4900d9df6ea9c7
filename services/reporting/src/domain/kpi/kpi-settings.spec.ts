import { KpiInputError } from './kpi-input.error';
import { DEFAULT_KPI_SETTINGS, kpiSettings, serviceLevelThresholdMs } from './kpi-settings';

describe(kpiSettings.name, () => {
  it('defaults to variant 2 with 5 s short abandons, 20 s service level and a 7-day FCR window', () => {
    const sut = kpiSettings();

    expect(sut).toEqual(DEFAULT_KPI_SETTINGS);
    expect(sut).toMatchObject({
      serviceLevelVariant: 'abandons-count-against',
      shortAbandonThresholdMs: 5_000,
      serviceLevelThresholdMs: 20_000,
      shortAbandonsCountAsOffered: false,
      fcrWindowMs: 7 * 24 * 3_600_000,
    });
  });

  it('lets a channel override the service-level threshold', () => {
    const sut = kpiSettings({ serviceLevelThresholdMsByChannel: { chat: 60_000 } });

    expect(serviceLevelThresholdMs(sut, 'chat')).toBe(60_000);
    expect(serviceLevelThresholdMs(sut, 'voice')).toBe(20_000);
  });

  it.each([
    ['an unknown variant', { serviceLevelVariant: 'best-of' as never }],
    ['a negative threshold', { shortAbandonThresholdMs: -1 }],
    ['an infinite window', { fcrWindowMs: Infinity }],
    ['an unknown channel', { firstResponseSlaMsByChannel: { fax: 1 } as never }],
    ['a negative SLA', { firstResponseSlaMsByChannel: { chat: -5 } }],
    ['an unknown time zone', { timeZone: 'Europe/Atlantis' }],
    ['an empty time zone', { timeZone: '' }],
    ['a week starting on day 0', { firstDayOfWeek: 0 as never }],
    ['a week starting on day 8', { firstDayOfWeek: 8 as never }],
  ])('rejects %s', (_, overrides) => {
    expect(() => kpiSettings(overrides)).toThrow(KpiInputError);
  });
});
