import { AgentSelection } from '../queue.config';
import { AgentSelectionStrategy } from './agent-selection.strategy';
import { leastOccupiedStrategy } from './least-occupied.strategy';
import { longestIdleStrategy } from './longest-idle.strategy';
import { mostProficientStrategy } from './most-proficient.strategy';
import { roundRobinStrategy } from './round-robin.strategy';

const strategies: Record<AgentSelection, AgentSelectionStrategy> = {
  'longest-idle': longestIdleStrategy,
  'most-proficient': mostProficientStrategy,
  'least-occupied': leastOccupiedStrategy,
  'round-robin': roundRobinStrategy,
};

export function strategyFor(name: AgentSelection): AgentSelectionStrategy {
  return strategies[name];
}
