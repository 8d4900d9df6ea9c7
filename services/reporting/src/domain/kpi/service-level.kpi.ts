import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import type { ContactFacts } from './contact-facts';
import type { KpiSettings, ServiceLevelVariant } from './kpi-settings';
import { queueOutcomeOf } from './queue-outcome';

export interface ServiceLevelSums {
  readonly answered: number;
  readonly answeredWithinThreshold: number;
  /** Abandons longer than the short-abandon threshold. */
  readonly abandoned: number;
  readonly abandonedWithinThreshold: number;
  /** Kept only to show how many were left out. */
  readonly shortAbandoned: number;
}

export interface ServiceLevelReading {
  readonly variant: ServiceLevelVariant;
  /** The tenant's variant; null when nothing was answered or abandoned. */
  readonly value: number | null;
  readonly byVariant: Readonly<Record<ServiceLevelVariant, number | null>>;
}

/**
 * Service level "X % in Y" in all three abandon variants at once (the variant is chosen when
 * reading). Short abandons are out of numerator and denominator in every variant.
 */
export class ServiceLevelKpi implements AdditiveKpi<ContactFacts, ServiceLevelSums, ServiceLevelReading> {
  constructor(private readonly settings: KpiSettings) {}

  empty(): ServiceLevelSums {
    return { answered: 0, answeredWithinThreshold: 0, abandoned: 0, abandonedWithinThreshold: 0, shortAbandoned: 0 };
  }

  add(sums: ServiceLevelSums, contact: ContactFacts): ServiceLevelSums {
    const outcome = queueOutcomeOf(contact, this.settings);
    const within = (yes: boolean) => (yes ? 1 : 0);
    switch (outcome.kind) {
      case 'answered':
        return { ...sums, answered: sums.answered + 1, answeredWithinThreshold: sums.answeredWithinThreshold + within(outcome.withinThreshold) };
      case 'abandoned':
        if (outcome.short) return { ...sums, shortAbandoned: sums.shortAbandoned + 1 };
        return { ...sums, abandoned: sums.abandoned + 1, abandonedWithinThreshold: sums.abandonedWithinThreshold + within(outcome.withinThreshold) };
      case 'neither':
        return sums;
    }
  }

  merge(a: ServiceLevelSums, b: ServiceLevelSums): ServiceLevelSums {
    return addCounters(a, b);
  }

  read(sums: ServiceLevelSums): ServiceLevelReading {
    const answeredOrAbandoned = sums.answered + sums.abandoned;
    const byVariant = {
      'abandons-ignored': ratio(sums.answeredWithinThreshold, sums.answered),
      'abandons-count-against': ratio(sums.answeredWithinThreshold, answeredOrAbandoned),
      'abandons-within-threshold-in-favour': ratio(sums.answeredWithinThreshold + sums.abandonedWithinThreshold, answeredOrAbandoned),
    };
    const variant = this.settings.serviceLevelVariant;
    return { variant, value: byVariant[variant], byVariant };
  }
}
