import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import type { ContactFacts } from './contact-facts';
import type { KpiSettings } from './kpi-settings';
import { queueOutcomeOf } from './queue-outcome';

export interface AverageSpeedOfAnswerSums {
  readonly answered: number;
  readonly answerWaitMs: number;
}

export interface AverageSpeedOfAnswerReading {
  /** Queue time of answered contacts / answered contacts (vendors' ASA, not Erlang's). */
  readonly asaOfAnsweredMs: number | null;
}

export class AverageSpeedOfAnswerKpi implements AdditiveKpi<ContactFacts, AverageSpeedOfAnswerSums, AverageSpeedOfAnswerReading> {
  constructor(private readonly settings: KpiSettings) {}

  empty(): AverageSpeedOfAnswerSums {
    return { answered: 0, answerWaitMs: 0 };
  }

  add(sums: AverageSpeedOfAnswerSums, contact: ContactFacts): AverageSpeedOfAnswerSums {
    const outcome = queueOutcomeOf(contact, this.settings);
    if (outcome.kind !== 'answered') return sums;
    return { answered: sums.answered + 1, answerWaitMs: sums.answerWaitMs + outcome.waitMs };
  }

  merge(a: AverageSpeedOfAnswerSums, b: AverageSpeedOfAnswerSums): AverageSpeedOfAnswerSums {
    return addCounters(a, b);
  }

  read(sums: AverageSpeedOfAnswerSums): AverageSpeedOfAnswerReading {
    return { asaOfAnsweredMs: ratio(sums.answerWaitMs, sums.answered) };
  }
}
