import type { ContactChannel, ContactFacts } from './contact-facts';

// Builders for readable KPI scenarios: times in seconds from an arbitrary Monday 09:00 UTC.
export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

interface Visit {
  readonly at: number;
  readonly customerId: string;
  readonly queueId?: string;
  readonly channel?: ContactChannel;
  readonly caseId?: string;
  /** First customer message at `at`, first agent reply this many seconds later. */
  readonly firstResponseS?: number;
}

export function answered(
  contactId: string,
  visit: Visit & { waitS: number; talkS: number; holdS?: number; acwS?: number; transferred?: boolean },
): ContactFacts {
  const answeredAt = visit.at + visit.waitS * SECOND;
  const talkMs = visit.talkS * SECOND;
  const holdMs = (visit.holdS ?? 0) * SECOND;
  const acwMs = (visit.acwS ?? 0) * SECOND;
  return {
    ...base(contactId, visit),
    answeredAt,
    handledEnd: answeredAt + talkMs + holdMs + acwMs,
    talkMs,
    holdMs,
    acwMs,
    transferred: visit.transferred ?? false,
  };
}

export function abandoned(contactId: string, visit: Visit & { waitS: number }): ContactFacts {
  return { ...base(contactId, visit), abandonedAt: visit.at + visit.waitS * SECOND, talkMs: 0, holdMs: 0, acwMs: 0, transferred: false };
}

function base(contactId: string, visit: Visit) {
  return {
    contactId,
    tenantId: 'northwind',
    queueId: visit.queueId ?? 'billing',
    channel: visit.channel ?? 'voice',
    customerId: visit.customerId,
    caseId: visit.caseId,
    enqueuedAt: visit.at,
    firstCustomerMessageAt: visit.firstResponseS === undefined ? undefined : visit.at,
    firstAgentReplyAt: visit.firstResponseS === undefined ? undefined : visit.at + visit.firstResponseS * SECOND,
  };
}
