import { type AbandonmentReading, AbandonmentRateKpi, type AbandonmentSums } from './abandonment-rate.kpi';
import { type AgentOccupancyReading, AgentOccupancyKpi, type AgentTimeSums } from './agent-occupancy.kpi';
import {
  type AverageSpeedOfAnswerReading,
  AverageSpeedOfAnswerKpi,
  type AverageSpeedOfAnswerSums,
} from './average-speed-of-answer.kpi';
import type { AgentTimeFacts, ContactFacts } from './contact-facts';
import {
  type FcrOutcome,
  type FirstContactResolutionReading,
  FirstContactResolutionKpi,
  type FirstContactResolutionSums,
} from './first-contact-resolution.kpi';
import { type FirstResponseReading, FirstResponseKpi, type FirstResponseSums } from './first-response.kpi';
import { type HandleTimeReading, HandleTimeKpi, type HandleTimeSums } from './handle-time.kpi';
import type { KpiSettings } from './kpi-settings';
import { type ServiceLevelReading, ServiceLevelKpi, type ServiceLevelSums } from './service-level.kpi';
import { type SurveyAnswers, SurveyKpi, type SurveyReading, type SurveySums } from './survey.kpi';

/** Every KPI's sums for one slice (tenant, queue, interval, …); what interval aggregates store. */
export interface IntervalKpiSums {
  readonly serviceLevel: ServiceLevelSums;
  readonly speedOfAnswer: AverageSpeedOfAnswerSums;
  readonly abandonment: AbandonmentSums;
  readonly firstResponse: FirstResponseSums;
  readonly handleTime: HandleTimeSums;
  readonly firstContactResolution: FirstContactResolutionSums;
  readonly agentTime: AgentTimeSums;
  readonly survey: SurveySums;
}

export interface IntervalKpiReading {
  readonly serviceLevel: ServiceLevelReading;
  readonly speedOfAnswer: AverageSpeedOfAnswerReading;
  readonly abandonment: AbandonmentReading;
  readonly firstResponse: FirstResponseReading;
  readonly handleTime: HandleTimeReading;
  readonly firstContactResolution: FirstContactResolutionReading;
  readonly agentOccupancy: AgentOccupancyReading;
  readonly survey: SurveyReading;
}

/**
 * All contact-center KPIs of one slice as one additive value. A contact's queue side is added to
 * the interval it entered the queue (`addOffered`), its handling side to the interval it ended
 * (`addHandled`), its settled FCR outcome to the interval it ended too.
 */
export class IntervalKpiAccumulator {
  private readonly serviceLevel: ServiceLevelKpi;
  private readonly speedOfAnswer: AverageSpeedOfAnswerKpi;
  private readonly abandonment: AbandonmentRateKpi;
  private readonly firstResponse: FirstResponseKpi;
  private readonly handleTime = new HandleTimeKpi();
  private readonly firstContactResolution = new FirstContactResolutionKpi();
  private readonly agentOccupancy = new AgentOccupancyKpi();
  private readonly survey = new SurveyKpi();
  private emptySums: IntervalKpiSums | undefined;

  constructor(settings: KpiSettings) {
    this.serviceLevel = new ServiceLevelKpi(settings);
    this.speedOfAnswer = new AverageSpeedOfAnswerKpi(settings);
    this.abandonment = new AbandonmentRateKpi(settings);
    this.firstResponse = new FirstResponseKpi(settings);
  }

  /**
   * The sums of nothing. Every `add` and `merge` returns new objects, so one deeply frozen instance
   * serves every caller (ingestion starts each contribution from it); a write to it would throw.
   */
  empty(): IntervalKpiSums {
    this.emptySums ??= deepFreeze({
      serviceLevel: this.serviceLevel.empty(),
      speedOfAnswer: this.speedOfAnswer.empty(),
      abandonment: this.abandonment.empty(),
      firstResponse: this.firstResponse.empty(),
      handleTime: this.handleTime.empty(),
      firstContactResolution: this.firstContactResolution.empty(),
      agentTime: this.agentOccupancy.empty(),
      survey: this.survey.empty(),
    });
    return this.emptySums;
  }

  addOffered(sums: IntervalKpiSums, contact: ContactFacts): IntervalKpiSums {
    return {
      ...sums,
      serviceLevel: this.serviceLevel.add(sums.serviceLevel, contact),
      speedOfAnswer: this.speedOfAnswer.add(sums.speedOfAnswer, contact),
      abandonment: this.abandonment.add(sums.abandonment, contact),
      firstResponse: this.firstResponse.add(sums.firstResponse, contact),
    };
  }

  addHandled(sums: IntervalKpiSums, contact: ContactFacts): IntervalKpiSums {
    return { ...sums, handleTime: this.handleTime.add(sums.handleTime, contact) };
  }

  addFcrOutcome(sums: IntervalKpiSums, outcome: FcrOutcome): IntervalKpiSums {
    return { ...sums, firstContactResolution: this.firstContactResolution.add(sums.firstContactResolution, outcome) };
  }

  addAgentTime(sums: IntervalKpiSums, facts: AgentTimeFacts): IntervalKpiSums {
    return { ...sums, agentTime: this.agentOccupancy.add(sums.agentTime, facts) };
  }

  addSurvey(sums: IntervalKpiSums, answers: SurveyAnswers): IntervalKpiSums {
    return { ...sums, survey: this.survey.add(sums.survey, answers) };
  }

  merge(a: IntervalKpiSums, b: IntervalKpiSums): IntervalKpiSums {
    return {
      serviceLevel: this.serviceLevel.merge(a.serviceLevel, b.serviceLevel),
      speedOfAnswer: this.speedOfAnswer.merge(a.speedOfAnswer, b.speedOfAnswer),
      abandonment: this.abandonment.merge(a.abandonment, b.abandonment),
      firstResponse: this.firstResponse.merge(a.firstResponse, b.firstResponse),
      handleTime: this.handleTime.merge(a.handleTime, b.handleTime),
      firstContactResolution: this.firstContactResolution.merge(a.firstContactResolution, b.firstContactResolution),
      agentTime: this.agentOccupancy.merge(a.agentTime, b.agentTime),
      survey: this.survey.merge(a.survey, b.survey),
    };
  }

  read(sums: IntervalKpiSums): IntervalKpiReading {
    return {
      serviceLevel: this.serviceLevel.read(sums.serviceLevel),
      speedOfAnswer: this.speedOfAnswer.read(sums.speedOfAnswer),
      abandonment: this.abandonment.read(sums.abandonment),
      firstResponse: this.firstResponse.read(sums.firstResponse),
      handleTime: this.handleTime.read(sums.handleTime),
      firstContactResolution: this.firstContactResolution.read(sums.firstContactResolution),
      agentOccupancy: this.agentOccupancy.read(sums.agentTime),
      survey: this.survey.read(sums.survey),
    };
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) deepFreeze(child);
  return Object.freeze(value);
}
