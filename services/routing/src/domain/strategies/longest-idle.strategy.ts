import { AgentSelectionStrategy, readySetByIdle } from './agent-selection.strategy';

/** The default: the agent idle the longest on the item's channel. O(1) plus skipped agents. */
export const longestIdleStrategy: AgentSelectionStrategy = {
  ordersBy: { idle: true, load: false },
  createReadySet: readySetByIdle,
  select: (ready, isCandidate) => ready.find(isCandidate),
};
