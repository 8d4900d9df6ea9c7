import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import type { ContactFacts } from './contact-facts';
import type { KpiSettings } from './kpi-settings';
import { queueOutcomeOf } from './queue-outcome';

export interface AbandonmentSums {
  /** Every visit that entered the queue, short abandons included. */
  readonly offered: number;
  /** Abandons longer than the short-abandon threshold. */
  readonly abandoned: number;
  readonly shortAbandoned: number;
}

export interface AbandonmentReading {
  /** Offered as the tenant counts it: without short abandons unless configured otherwise. */
  readonly offered: number;
  readonly abandoned: number;
  readonly rate: number | null;
}

/** Abandonment rate = abandoned (short abandons excluded) / offered. */
export class AbandonmentRateKpi implements AdditiveKpi<ContactFacts, AbandonmentSums, AbandonmentReading> {
  constructor(private readonly settings: KpiSettings) {}

  empty(): AbandonmentSums {
    return { offered: 0, abandoned: 0, shortAbandoned: 0 };
  }

  add(sums: AbandonmentSums, contact: ContactFacts): AbandonmentSums {
    const outcome = queueOutcomeOf(contact, this.settings);
    const offered = sums.offered + 1;
    if (outcome.kind !== 'abandoned') return { ...sums, offered };
    if (outcome.short) return { ...sums, offered, shortAbandoned: sums.shortAbandoned + 1 };
    return { ...sums, offered, abandoned: sums.abandoned + 1 };
  }

  merge(a: AbandonmentSums, b: AbandonmentSums): AbandonmentSums {
    return addCounters(a, b);
  }

  read(sums: AbandonmentSums): AbandonmentReading {
    const offered = this.settings.shortAbandonsCountAsOffered ? sums.offered : sums.offered - sums.shortAbandoned;
    return { offered, abandoned: sums.abandoned, rate: ratio(sums.abandoned, offered) };
  }
}
