// Public surface of the reporting domain core, for the service shell that wraps it.
export { erlangB } from './staffing/erlang-b.calculator';
export { erlangC, erlangCMetrics, type ErlangCInput, type ErlangCMetrics } from './staffing/erlang-c.calculator';
export { erlangA, type ErlangAInput, type ErlangAMetrics } from './staffing/erlang-a.calculator';
export {
  requiredAgents,
  type StaffingRequirement,
  type StaffingRequirementInput,
} from './staffing/required-agents.calculator';
export { StaffingInputError } from './staffing/staffing-input.error';

export { type AdditiveKpi } from './kpi/additive-kpi';
export { CONTACT_CHANNELS, type AgentTimeFacts, type ContactChannel, type ContactFacts } from './kpi/contact-facts';
export {
  DEFAULT_KPI_SETTINGS,
  kpiSettings,
  SERVICE_LEVEL_VARIANTS,
  type KpiSettings,
  type ServiceLevelVariant,
} from './kpi/kpi-settings';
export { KpiInputError } from './kpi/kpi-input.error';
export { queueOutcomeOf, type QueueOutcome } from './kpi/queue-outcome';
export { ServiceLevelKpi, type ServiceLevelReading, type ServiceLevelSums } from './kpi/service-level.kpi';
export {
  AverageSpeedOfAnswerKpi,
  type AverageSpeedOfAnswerReading,
  type AverageSpeedOfAnswerSums,
} from './kpi/average-speed-of-answer.kpi';
export { AbandonmentRateKpi, type AbandonmentReading, type AbandonmentSums } from './kpi/abandonment-rate.kpi';
export { HandleTimeKpi, type HandleTimeReading, type HandleTimeSums } from './kpi/handle-time.kpi';
export { AgentOccupancyKpi, type AgentOccupancyReading, type AgentTimeSums } from './kpi/agent-occupancy.kpi';
export {
  FirstResponseKpi,
  type FirstResponseChannelSums,
  type FirstResponseFigures,
  type FirstResponseReading,
  type FirstResponseSums,
} from './kpi/first-response.kpi';
export {
  FirstContactResolutionKpi,
  type FcrOutcome,
  type FirstContactResolutionReading,
  type FirstContactResolutionSums,
} from './kpi/first-contact-resolution.kpi';
export { classifyFirstContactResolution, type FcrClassification } from './kpi/first-contact-resolution.classifier';
export { IntervalKpiAccumulator, type IntervalKpiReading, type IntervalKpiSums } from './kpi/interval-kpis.accumulator';
export { SurveyKpi, type SurveyAnswers, type SurveyReading, type SurveySums } from './kpi/survey.kpi';
export { staffingPlan, type IntervalHistory, type PlannedInterval, type StaffingPlanInput } from './staffing/staffing-plan.calculator';
export { RealtimeTenantView, type AgentSnapshot, type QueueSnapshot } from './realtime/realtime-tenant-view';
