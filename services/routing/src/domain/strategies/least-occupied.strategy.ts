import { Agent } from '../agent';
import { Channel } from '../channel';
import { SortedList } from '../collections/sorted-list';
import { AgentSelectionStrategy } from './agent-selection.strategy';

/**
 * The agent using the smallest share of its total capacity, then the longest idle on the
 * channel. Shares are compared by cross-multiplying so the order stays exact.
 */
export const leastOccupiedStrategy: AgentSelectionStrategy = {
  ordersBy: { idle: true, load: true },
  createReadySet: (channel: Channel) =>
    new SortedList<Agent>(
      (a, b) =>
        a.indexedLoadTotal * b.maxTotal - b.indexedLoadTotal * a.maxTotal ||
        a.indexedIdle[channel] - b.indexedIdle[channel] ||
        a.seq - b.seq,
    ),
  select: (ready, isCandidate) => ready.find(isCandidate),
};
