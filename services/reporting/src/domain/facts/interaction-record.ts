import type { ContactChannel } from '../kpi/contact-facts';
import type { InteractionFact } from './reporting-fact';

/** One interaction's visit to one queue, as far as its events have arrived. */
export interface QueueVisitRecord {
  readonly queuedAt?: number;
  readonly answeredAt?: number;
  readonly abandonedAt?: number;
  /** From the answer or abandon event; gives the queue entry before InteractionQueued arrives. */
  readonly queueTimeMs?: number;
  readonly agentId?: string;
}

/** One agent's handling of the interaction. */
export interface HandlingRecord {
  readonly queueId?: string;
  readonly answeredAt?: number;
  readonly completedAt?: number;
}

/**
 * Everything reporting knows about one interaction: the merge of its facts. Every field is set
 * by one kind of fact, and where a kind can repeat the earliest time wins, so the record does
 * not depend on the order (or repetition) of its facts.
 */
export interface InteractionRecord {
  readonly interactionId: string;
  readonly channel?: ContactChannel;
  readonly visits: Readonly<Record<string, QueueVisitRecord>>;
  readonly handlings: Readonly<Record<string, HandlingRecord>>;
  readonly firstCustomerMessageAt?: number;
  readonly firstAgentReplyAt?: number;
}

export function emptyInteractionRecord(interactionId: string): InteractionRecord {
  return { interactionId, visits: {}, handlings: {} };
}

const earliest = (current: number | undefined, next: number) => (current === undefined ? next : Math.min(current, next));

export function applyInteractionFact(record: InteractionRecord, fact: InteractionFact): InteractionRecord {
  const visit = (queueId: string, change: (v: QueueVisitRecord) => QueueVisitRecord) => ({
    ...record,
    visits: { ...record.visits, [queueId]: change(record.visits[queueId] ?? {}) },
  });
  const handling = (agentId: string, change: (h: HandlingRecord) => HandlingRecord) => ({
    ...record,
    handlings: { ...record.handlings, [agentId]: change(record.handlings[agentId] ?? {}) },
  });
  switch (fact.kind) {
    case 'channel':
      return { ...record, channel: fact.channel };
    case 'queued':
      return { ...visit(fact.queueId, (v) => ({ ...v, queuedAt: earliest(v.queuedAt, fact.at) })), channel: fact.channel };
    case 'answered': {
      const answered = visit(fact.queueId, (v) => ({ ...v, answeredAt: earliest(v.answeredAt, fact.at), queueTimeMs: fact.queueTimeMs, agentId: fact.agentId }));
      return {
        ...answered,
        handlings: { ...answered.handlings, [fact.agentId]: { ...answered.handlings[fact.agentId], queueId: fact.queueId, answeredAt: earliest(answered.handlings[fact.agentId]?.answeredAt, fact.at) } },
      };
    }
    case 'abandoned':
      return visit(fact.queueId, (v) => ({ ...v, abandonedAt: earliest(v.abandonedAt, fact.at), queueTimeMs: v.queueTimeMs ?? fact.queueTimeMs }));
    case 'completed':
      return handling(fact.agentId, (h) => ({ ...h, completedAt: earliest(h.completedAt, fact.at) }));
    case 'customer-message':
      return { ...record, channel: record.channel ?? fact.channel, firstCustomerMessageAt: earliest(record.firstCustomerMessageAt, fact.at) };
    case 'agent-reply':
      return { ...record, firstAgentReplyAt: earliest(record.firstAgentReplyAt, fact.at) };
  }
}
