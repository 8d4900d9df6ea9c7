import type { IsoWeekday } from '../facts/local-calendar';
import { isKnownTimeZone } from '../facts/local-day';
import { CONTACT_CHANNELS, type ContactChannel } from './contact-facts';
import { requireKpiInput } from './kpi-input.error';

/**
 * How abandoned contacts enter the service level (Cisco ICM's three variants):
 * 1 `abandons-ignored`: answered within Y / answered;
 * 2 `abandons-count-against`: answered within Y / (answered + abandoned);
 * 3 `abandons-within-threshold-in-favour`: (answered + abandoned within Y) / (answered + abandoned).
 */
export type ServiceLevelVariant = 'abandons-ignored' | 'abandons-count-against' | 'abandons-within-threshold-in-favour';

export const SERVICE_LEVEL_VARIANTS: readonly ServiceLevelVariant[] = [
  'abandons-ignored',
  'abandons-count-against',
  'abandons-within-threshold-in-favour',
];

/** Per-tenant KPI definitions. Thresholds apply when facts are accumulated, the rest when read. */
export interface KpiSettings {
  readonly serviceLevelVariant: ServiceLevelVariant;
  /** Y of "X % answered within Y"; a contact answered or abandoned exactly at Y is within. */
  readonly serviceLevelThresholdMs: number;
  readonly serviceLevelThresholdMsByChannel: Readonly<Partial<Record<ContactChannel, number>>>;
  /** Abandons at or below this wait are short (misdials, instant hang-ups) and left out of every KPI. */
  readonly shortAbandonThresholdMs: number;
  /** Whether short abandons still count as offered in the abandonment rate's denominator. */
  readonly shortAbandonsCountAsOffered: boolean;
  /** A return about the same issue within this time after a contact ended means it was not resolved. */
  readonly fcrWindowMs: number;
  /** First-response SLA per digital channel; channels without one get times but no hit/miss. */
  readonly firstResponseSlaMsByChannel: Readonly<Partial<Record<ContactChannel, number>>>;
  /**
   * How late an event may still arrive and change an interval. Late events are always counted
   * (in the interval they belong to); an interval is reported final once its end plus this has passed.
   */
  readonly latenessMs: number;
  /** The tenant's IANA time zone: its "today" in the real-time views and its hours, days, weeks and months in roll-ups. */
  readonly timeZone: string;
  /** The weekday (ISO: 1 Monday … 7 Sunday) weekly roll-ups start on. */
  readonly firstDayOfWeek: IsoWeekday;
}

const HOUR_MS = 3_600_000;

export const DEFAULT_KPI_SETTINGS: KpiSettings = Object.freeze({
  serviceLevelVariant: 'abandons-count-against',
  serviceLevelThresholdMs: 20_000,
  serviceLevelThresholdMsByChannel: Object.freeze({}),
  shortAbandonThresholdMs: 5_000,
  shortAbandonsCountAsOffered: false,
  fcrWindowMs: 7 * 24 * HOUR_MS,
  firstResponseSlaMsByChannel: Object.freeze({ chat: 60_000, email: 4 * HOUR_MS }),
  latenessMs: HOUR_MS,
  timeZone: 'UTC',
  firstDayOfWeek: 1,
});

/** A tenant's settings: the defaults with its overrides, validated. */
export function kpiSettings(overrides: Partial<KpiSettings> = {}): KpiSettings {
  const settings = { ...DEFAULT_KPI_SETTINGS, ...overrides };
  requireKpiInput(SERVICE_LEVEL_VARIANTS.includes(settings.serviceLevelVariant), `unknown service level variant ${settings.serviceLevelVariant}`);
  requireDuration('serviceLevelThresholdMs', settings.serviceLevelThresholdMs);
  requireDuration('shortAbandonThresholdMs', settings.shortAbandonThresholdMs);
  requireDuration('fcrWindowMs', settings.fcrWindowMs);
  requireDuration('latenessMs', settings.latenessMs);
  requireKpiInput(typeof settings.timeZone === 'string' && settings.timeZone !== '' && isKnownTimeZone(settings.timeZone), `timeZone ${settings.timeZone} is not an IANA time zone`);
  requireKpiInput(Number.isInteger(settings.firstDayOfWeek) && settings.firstDayOfWeek >= 1 && settings.firstDayOfWeek <= 7, `firstDayOfWeek must be 1 (Monday) … 7 (Sunday), got ${settings.firstDayOfWeek}`);
  requireChannelDurations('serviceLevelThresholdMsByChannel', settings.serviceLevelThresholdMsByChannel);
  requireChannelDurations('firstResponseSlaMsByChannel', settings.firstResponseSlaMsByChannel);
  return Object.freeze(settings);
}

export function serviceLevelThresholdMs(settings: KpiSettings, channel: ContactChannel): number {
  return settings.serviceLevelThresholdMsByChannel[channel] ?? settings.serviceLevelThresholdMs;
}

function requireDuration(name: string, value: number): void {
  requireKpiInput(Number.isFinite(value) && value >= 0, `${name} must be a duration >= 0 ms, got ${value}`);
}

function requireChannelDurations(name: string, byChannel: Partial<Record<string, number>>): void {
  for (const [channel, value] of Object.entries(byChannel)) {
    requireKpiInput(CONTACT_CHANNELS.includes(channel as ContactChannel), `${name}: unknown channel ${channel}`);
    requireDuration(`${name}.${channel}`, value as number);
  }
}
