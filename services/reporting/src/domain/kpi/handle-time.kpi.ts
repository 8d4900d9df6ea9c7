import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import type { ContactFacts } from './contact-facts';
import { requireKpiInput } from './kpi-input.error';

export interface HandleTimeSums {
  readonly handled: number;
  readonly talkMs: number;
  readonly holdMs: number;
  readonly acwMs: number;
  readonly transferred: number;
}

export interface HandleTimeReading {
  /** (talk + hold + after-contact work) / handled. */
  readonly ahtMs: number | null;
  readonly averageTalkMs: number | null;
  readonly averageHoldMs: number | null;
  readonly averageAcwMs: number | null;
  /** Handled visits that ended in a transfer / handled visits. */
  readonly transferRate: number | null;
}

const isDuration = (ms: number) => Number.isFinite(ms) && ms >= 0;

/** Handled = answered and finished with after-contact work; attributed where handling ended. */
export class HandleTimeKpi implements AdditiveKpi<ContactFacts, HandleTimeSums, HandleTimeReading> {
  empty(): HandleTimeSums {
    return { handled: 0, talkMs: 0, holdMs: 0, acwMs: 0, transferred: 0 };
  }

  add(sums: HandleTimeSums, contact: ContactFacts): HandleTimeSums {
    if (contact.answeredAt === undefined || contact.handledEnd === undefined) return sums;
    const { contactId, talkMs, holdMs, acwMs } = contact;
    requireKpiInput(isDuration(talkMs) && isDuration(holdMs) && isDuration(acwMs), `contact ${contactId}: negative handling time`);
    return {
      handled: sums.handled + 1,
      talkMs: sums.talkMs + talkMs,
      holdMs: sums.holdMs + holdMs,
      acwMs: sums.acwMs + acwMs,
      transferred: sums.transferred + (contact.transferred ? 1 : 0),
    };
  }

  merge(a: HandleTimeSums, b: HandleTimeSums): HandleTimeSums {
    return addCounters(a, b);
  }

  read(sums: HandleTimeSums): HandleTimeReading {
    return {
      ahtMs: ratio(sums.talkMs + sums.holdMs + sums.acwMs, sums.handled),
      averageTalkMs: ratio(sums.talkMs, sums.handled),
      averageHoldMs: ratio(sums.holdMs, sums.handled),
      averageAcwMs: ratio(sums.acwMs, sums.handled),
      transferRate: ratio(sums.transferred, sums.handled),
    };
  }
}
