import { ChannelMembership } from '../channel-membership';
import { SortedList } from '../collections/sorted-list';
import { AgentSelectionStrategy } from './agent-selection.strategy';

/**
 * The agent using the smallest share of its total capacity, then the longest idle on the
 * channel. Shares are compared by cross-multiplying so the order stays exact.
 */
export const leastOccupiedStrategy: AgentSelectionStrategy = {
  ordersBy: { idle: true, load: true },
  createReadySet: () =>
    new SortedList<ChannelMembership>(
      (a, b) => a.loadKey * b.maxTotal - b.loadKey * a.maxTotal || a.idleKey - b.idleKey || a.seq - b.seq,
    ),
  select: (ready, isCandidate) => ready.find(isCandidate),
};
