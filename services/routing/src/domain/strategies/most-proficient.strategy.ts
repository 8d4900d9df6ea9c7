import { Agent } from '../agent';
import { ChannelMembership } from '../channel-membership';
import { SkillCondition } from '../queue.config';
import { AgentSelectionStrategy, readySetByIdle } from './agent-selection.strategy';

function proficiency(agent: Agent, conditions: readonly SkillCondition[]): number {
  let total = 0;
  for (const condition of conditions) total += agent.skills.get(condition.skill) ?? 0;
  return total;
}

const topProficiency = 5;

/**
 * The agent with the highest summed proficiency in the skills the item's current step asks
 * for; longest idle among equals. The score depends on the item, so this walks the ready
 * agents of the queue and channel until one has the top score: O(ready agents) at worst.
 */
export const mostProficientStrategy: AgentSelectionStrategy = {
  ordersBy: { idle: true, load: false },
  createReadySet: readySetByIdle,
  select: (ready, isCandidate, { conditions }) => {
    // Without skill conditions every score is 0 and the longest idle wins.
    if (conditions.length === 0) return ready.find(isCandidate);
    const topScore = topProficiency * conditions.length;
    let best: ChannelMembership | undefined;
    let bestScore = -1;
    for (const entry of ready) {
      if (!isCandidate(entry)) continue;
      const score = proficiency(entry.agent, conditions);
      if (score > bestScore) {
        best = entry;
        bestScore = score;
        if (score === topScore) break;
      }
    }
    return best;
  },
};
