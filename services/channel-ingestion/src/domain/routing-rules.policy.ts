import { InvalidChannelRequestError } from './channel.errors';

export interface RoutingRule {
  readonly queueId: string;
  /** Case-insensitive substring of the first message; empty matches any. */
  readonly textContains: string;
  /** Prefix of the `kind:value` sender identity; empty matches any. */
  readonly senderPrefix: string;
  readonly priority: number;
}

export interface RoutingRules {
  readonly defaultQueueId: string;
  readonly rules: readonly RoutingRule[];
}

export interface QueueChoice {
  readonly queueId: string;
  readonly priority: number;
}

/** The queue of a new interaction: the first rule that matches, else the account's default queue. */
export function chooseQueue(routing: RoutingRules, firstMessage: { text: string; senderLabel: string }): QueueChoice {
  const text = firstMessage.text.toLowerCase();
  for (const rule of routing.rules) {
    if (rule.textContains && !text.includes(rule.textContains.toLowerCase())) continue;
    if (rule.senderPrefix && !firstMessage.senderLabel.startsWith(rule.senderPrefix)) continue;
    return { queueId: rule.queueId, priority: rule.priority };
  }
  return { queueId: routing.defaultQueueId, priority: 0 };
}

/** Rules an administrator may save: every rule names a queue and matches on something. */
export function checkRoutingRules(routing: RoutingRules): RoutingRules {
  if (!routing.defaultQueueId) throw new InvalidChannelRequestError('default-queue-missing', 'a channel account needs a default queue');
  routing.rules.forEach((rule, i) => {
    if (!rule.queueId) throw new InvalidChannelRequestError('rule-queue-missing', `routing rule ${i} names no queue`);
    if (!rule.textContains && !rule.senderPrefix) throw new InvalidChannelRequestError('rule-matches-all', `routing rule ${i} matches every message; use the default queue`);
    if (!Number.isInteger(rule.priority) || rule.priority < 0 || rule.priority > 100) throw new InvalidChannelRequestError('rule-priority-invalid', `routing rule ${i} priority must be 0..100`);
  });
  return routing;
}
