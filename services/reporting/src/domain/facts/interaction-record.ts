import type { ContactChannel } from '../kpi/contact-facts';
import type { SurveyAnswers } from '../kpi/survey.kpi';
import { type CallHoldRecord, emptyCallHold, mergeCallHolds, withTime } from './call-hold';
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
  /** End of talk (the agent may go on with after-contact work). */
  readonly completedAt?: number;
  /** Hold during this handling as the completion event states it (else the calls' hold counts). */
  readonly holdMs?: number;
  /** End of after-contact work. */
  readonly wrappedUpAt?: number;
  /** When this agent passed the contact on (InteractionTransferred). */
  readonly transferredAt?: number;
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
  /** From interaction history; the latest link wins (a case may be filed after the first link). */
  readonly customerId?: string;
  readonly caseId?: string;
  readonly linkedAt?: number;
  /** Survey answers by survey id. */
  readonly surveys?: Readonly<Record<string, SurveyAnswers>>;
  /** Hold and end of the interaction's calls, by call id (voice only). */
  readonly calls?: Readonly<Record<string, CallHoldRecord>>;
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
  const call = (callId: string, change: (c: CallHoldRecord) => CallHoldRecord) => ({
    ...record,
    calls: { ...record.calls, [callId]: change(record.calls?.[callId] ?? emptyCallHold) },
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
      return handling(fact.agentId, (h) => {
        // The earliest completion wins, and its hold with it; equal times keep the larger stated hold.
        if (h.completedAt !== undefined && (h.completedAt < fact.at || (h.completedAt === fact.at && statedHold(h.holdMs) >= statedHold(fact.holdMs)))) return h;
        return { ...h, completedAt: fact.at, holdMs: fact.holdMs };
      });
    case 'wrapped-up':
      return handling(fact.agentId, (h) => ({ ...h, wrappedUpAt: earliest(h.wrappedUpAt, fact.at) }));
    case 'transferred':
      return handling(fact.agentId, (h) => ({ ...h, transferredAt: earliest(h.transferredAt, fact.at) }));
    case 'customer-linked': {
      const later =
        record.linkedAt === undefined ||
        fact.at > record.linkedAt ||
        (fact.at === record.linkedAt && `${fact.customerId}|${fact.caseId ?? ''}` > `${record.customerId}|${record.caseId ?? ''}`);
      return later ? { ...record, customerId: fact.customerId, caseId: fact.caseId, linkedAt: fact.at } : record;
    }
    case 'survey':
      return record.surveys?.[fact.surveyId] ? record : { ...record, surveys: { ...record.surveys, [fact.surveyId]: fact.scores } };
    case 'customer-message':
      return { ...record, channel: record.channel ?? fact.channel, firstCustomerMessageAt: earliest(record.firstCustomerMessageAt, fact.at) };
    case 'agent-reply':
      return { ...record, firstAgentReplyAt: earliest(record.firstAgentReplyAt, fact.at) };
    case 'call-held':
      return call(fact.callId, (c) => ({ ...c, heldAt: withTime(c.heldAt, fact.at) }));
    case 'call-resumed':
      return call(fact.callId, (c) => ({ ...c, resumedAt: withTime(c.resumedAt, fact.at) }));
    case 'call-ended':
      return call(fact.callId, (c) => ({ ...c, endedAt: earliest(c.endedAt, fact.at) }));
  }
}

/** Orders completions of equal time: a stated hold beats none, a larger one a smaller one. */
const statedHold = (holdMs: number | undefined) => holdMs ?? -1;

const min = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** The record of the facts of both: what applying every fact of `a` and of `b` would give. */
export function mergeInteractionRecords(a: InteractionRecord, b: InteractionRecord): InteractionRecord {
  const visits: Record<string, QueueVisitRecord> = { ...a.visits };
  for (const [queueId, v] of Object.entries(b.visits)) {
    const u = visits[queueId];
    if (!u) {
      visits[queueId] = v;
      continue;
    }
    const answeredBy = u.answeredAt !== undefined && (v.answeredAt === undefined || u.answeredAt <= v.answeredAt) ? u : v;
    visits[queueId] = {
      queuedAt: min(u.queuedAt, v.queuedAt),
      answeredAt: min(u.answeredAt, v.answeredAt),
      abandonedAt: min(u.abandonedAt, v.abandonedAt),
      queueTimeMs: answeredBy.answeredAt !== undefined ? answeredBy.queueTimeMs : (u.queueTimeMs ?? v.queueTimeMs),
      agentId: answeredBy.agentId ?? u.agentId ?? v.agentId,
    };
  }
  const handlings: Record<string, HandlingRecord> = { ...a.handlings };
  for (const [agentId, h] of Object.entries(b.handlings)) {
    const g = handlings[agentId];
    if (!g) {
      handlings[agentId] = h;
      continue;
    }
    const completedBy = g.completedAt !== undefined && (h.completedAt === undefined || g.completedAt < h.completedAt || (g.completedAt === h.completedAt && statedHold(g.holdMs) >= statedHold(h.holdMs))) ? g : h;
    handlings[agentId] = {
      queueId: h.queueId ?? g.queueId,
      answeredAt: min(g.answeredAt, h.answeredAt),
      completedAt: completedBy.completedAt,
      holdMs: completedBy.holdMs,
      wrappedUpAt: min(g.wrappedUpAt, h.wrappedUpAt),
      transferredAt: min(g.transferredAt, h.transferredAt),
    };
  }
  const bLinkedLater = b.linkedAt !== undefined && (a.linkedAt === undefined || b.linkedAt > a.linkedAt);
  const link = bLinkedLater ? b : a;
  return {
    interactionId: a.interactionId,
    channel: b.channel ?? a.channel,
    visits,
    handlings,
    firstCustomerMessageAt: min(a.firstCustomerMessageAt, b.firstCustomerMessageAt),
    firstAgentReplyAt: min(a.firstAgentReplyAt, b.firstAgentReplyAt),
    customerId: link.customerId,
    caseId: link.caseId,
    linkedAt: link.linkedAt,
    surveys: a.surveys || b.surveys ? { ...b.surveys, ...a.surveys } : undefined,
    calls: a.calls || b.calls ? mergeCalls(a.calls ?? {}, b.calls ?? {}) : undefined,
  };
}

function mergeCalls(a: Readonly<Record<string, CallHoldRecord>>, b: Readonly<Record<string, CallHoldRecord>>): Record<string, CallHoldRecord> {
  const calls: Record<string, CallHoldRecord> = { ...a };
  for (const [callId, c] of Object.entries(b)) calls[callId] = calls[callId] ? mergeCallHolds(calls[callId], c) : c;
  return calls;
}
