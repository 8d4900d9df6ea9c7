import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import { requireKpiInput } from './kpi-input.error';

/** One survey's answers; a score the survey did not ask is absent. */
export interface SurveyAnswers {
  readonly csat?: number;
  readonly nps?: number;
  readonly ces?: number;
}

export interface SurveySums {
  readonly csatResponses: number;
  /** Answers of 4 or 5 on the 1-5 scale. */
  readonly csatSatisfied: number;
  readonly csatScoreSum: number;
  readonly npsResponses: number;
  /** 9 or 10 on the 0-10 scale. */
  readonly npsPromoters: number;
  /** 0 to 6. */
  readonly npsDetractors: number;
  readonly cesResponses: number;
  readonly cesScoreSum: number;
}

export interface SurveyReading {
  /** Share of satisfied answers (4-5 of 5), the usual CSAT %. */
  readonly csat: number | null;
  readonly csatAverage: number | null;
  /** % promoters − % detractors, from −100 to 100. */
  readonly nps: number | null;
  /** Mean effort on 1-7 (lower is better). */
  readonly ces: number | null;
}

export const SURVEY_SCALES = { csat: [1, 5], nps: [0, 10], ces: [1, 7] } as const;

export function isValidScore(kind: keyof typeof SURVEY_SCALES, score: number): boolean {
  const [low, high] = SURVEY_SCALES[kind];
  return Number.isInteger(score) && score >= low && score <= high;
}

/** CSAT, NPS and CES from survey answers, counted where the surveyed contact ended. */
export class SurveyKpi implements AdditiveKpi<SurveyAnswers, SurveySums, SurveyReading> {
  empty(): SurveySums {
    return { csatResponses: 0, csatSatisfied: 0, csatScoreSum: 0, npsResponses: 0, npsPromoters: 0, npsDetractors: 0, cesResponses: 0, cesScoreSum: 0 };
  }

  add(sums: SurveySums, answers: SurveyAnswers): SurveySums {
    const { csat, nps, ces } = answers;
    for (const kind of ['csat', 'nps', 'ces'] as const) {
      const score = answers[kind];
      requireKpiInput(score === undefined || isValidScore(kind, score), `${kind} score ${score} is outside ${SURVEY_SCALES[kind].join('-')}`);
    }
    return addCounters(sums, {
      csatResponses: csat === undefined ? 0 : 1,
      csatSatisfied: csat !== undefined && csat >= 4 ? 1 : 0,
      csatScoreSum: csat ?? 0,
      npsResponses: nps === undefined ? 0 : 1,
      npsPromoters: nps !== undefined && nps >= 9 ? 1 : 0,
      npsDetractors: nps !== undefined && nps <= 6 ? 1 : 0,
      cesResponses: ces === undefined ? 0 : 1,
      cesScoreSum: ces ?? 0,
    });
  }

  merge(a: SurveySums, b: SurveySums): SurveySums {
    return addCounters(a, b);
  }

  read(sums: SurveySums): SurveyReading {
    const promoters = ratio(sums.npsPromoters - sums.npsDetractors, sums.npsResponses);
    return {
      csat: ratio(sums.csatSatisfied, sums.csatResponses),
      csatAverage: ratio(sums.csatScoreSum, sums.csatResponses),
      nps: promoters === null ? null : promoters * 100,
      ces: ratio(sums.cesScoreSum, sums.cesResponses),
    };
  }
}
