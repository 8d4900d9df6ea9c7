import { ChannelMembership } from '../channel-membership';
import { SortedList } from '../collections/sorted-list';
import { AgentSelectionStrategy } from './agent-selection.strategy';

/** The next agent, in creation order, after the one that last received an item from the queue. */
export const roundRobinStrategy: AgentSelectionStrategy = {
  ordersBy: { idle: false, load: false },
  createReadySet: () => new SortedList<ChannelMembership>((a, b) => a.seq - b.seq),
  select: (ready, isCandidate, { lastAgentSeq }) => ready.findCircular((entry) => entry.seq <= lastAgentSeq, isCandidate),
};
