import { Agent } from '../agent';
import { ChannelIndex } from '../channel';
import { ChannelMembership } from '../channel-membership';
import { LinkedSortedList } from '../collections/linked-sorted-list';
import { OrderedSet } from '../collections/ordered-set';
import { Comparator } from '../collections/sorted-list';
import { SkillCondition } from '../queue.config';

export interface SelectionContext {
  /** Skill conditions of the item's current step. */
  readonly conditions: readonly SkillCondition[];
  /** Seq of the agent that last received an item from the queue, -1 before the first. */
  readonly lastAgentSeq: number;
}

/**
 * How a queue picks among the agents able to take an item. Each queue keeps, per channel, a
 * set of ready agents (available, free capacity) in the strategy's order, so picking walks
 * that set from the best end and usually stops at the first agent that passes `isCandidate`.
 */
export interface AgentSelectionStrategy {
  /** Which agent values the order depends on; when one changes the agent is re-sorted. */
  readonly ordersBy: { readonly idle: boolean; readonly load: boolean };
  /** A set of memberships ordered by their keys (ChannelMembership.idleKey, loadKey, seq). */
  createReadySet(): OrderedSet<ChannelMembership>;
  select(
    ready: OrderedSet<ChannelMembership>,
    isCandidate: (entry: ChannelMembership) => boolean,
    context: SelectionContext,
  ): ChannelMembership | undefined;
}

/** Longest idle on the channel first; creation order breaks ties. */
export function byIdle(channel: ChannelIndex): Comparator<Agent> {
  return (a, b) => a.indexedIdle[channel] - b.indexedIdle[channel] || a.seq - b.seq;
}

/**
 * Idle times are only ever set to "now", so a re-sorted agent goes to the tail: a linked list
 * makes every update O(1).
 */
export function readySetByIdle(): OrderedSet<ChannelMembership> {
  return new LinkedSortedList<ChannelMembership>((a, b) => a.idleKey - b.idleKey || a.seq - b.seq);
}
