export type { AgentConfig, CrossChannelRule, QueueMembership } from './agent.config';
export type { AgentState, Presence } from './agent.state-machine';
export { CHANNELS, isChannel } from './channel';
export type { Channel } from './channel';
export type {
  AgentSelection,
  BusinessHours,
  ClosedBehaviour,
  QueueConfig,
  RoutingStep,
  SkillCondition,
  WeeklyInterval,
  WrapUpMode,
} from './queue.config';
export { estimateWaitMs } from './queue-stats';
export type { QueueStatus, WaitingItemStatus } from './queue-stats';
export { RoutingError } from './routing-error';
export type { RoutingErrorCode } from './routing-error';
export type * from './routing.commands';
export { RoutingEngine } from './routing.engine';
export type { RoutingEngineOptions } from './routing.engine';
export type * from './routing.events';
export type * from './routing.snapshot';
