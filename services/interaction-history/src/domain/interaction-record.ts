export type HistoryChannel = 'voice' | 'chat' | 'email' | 'sms' | 'social' | 'task';
export type HistoryDirection = 'inbound' | 'outbound';
export type InteractionOutcome = 'open' | 'completed' | 'abandoned' | 'rejected';

/** A value with the event time that set it, so conflicting events settle by time, not arrival. */
export interface Stamped<T> {
  readonly value: T;
  readonly at: number;
}

/** What one event tells about an interaction; times are epoch ms of the event itself. */
export type InteractionFact = { readonly interactionId: string; readonly at: number; readonly customerId?: string } & (
  | { readonly kind: 'requested'; readonly channel?: HistoryChannel; readonly direction?: HistoryDirection; readonly queueId?: string }
  | { readonly kind: 'queued'; readonly queueId: string; readonly channel?: HistoryChannel }
  | { readonly kind: 'offered'; readonly offerId: string; readonly queueId: string; readonly agentId: string }
  | { readonly kind: 'offer-ended'; readonly offerId: string; readonly queueId: string; readonly agentId: string; readonly reason: string }
  | { readonly kind: 'withdrawn'; readonly reason: string }
  | { readonly kind: 'assigned'; readonly queueId: string; readonly agentId: string }
  | { readonly kind: 'completed'; readonly agentId: string }
  | { readonly kind: 'abandoned'; readonly queueId: string }
  | { readonly kind: 'rejected'; readonly queueId: string; readonly reason: string }
  | { readonly kind: 'transferred'; readonly fromAgentId: string; readonly fromQueueId: string; readonly toQueueId: string; readonly toAgentId?: string }
  | {
      readonly kind: 'wrapped-up';
      readonly agentId: string;
      readonly queueId: string;
      readonly disposition: string;
      readonly notes: string;
      readonly timedOut: boolean;
      readonly handleTimeMs: number;
    }
  | { readonly kind: 'recording'; readonly recordingId: string; readonly uri: string; readonly durationMs: number }
  | { readonly kind: 'survey'; readonly surveyId: string; readonly csat?: number; readonly nps?: number; readonly ces?: number }
  | { readonly kind: 'call-started'; readonly callId: string }
  | { readonly kind: 'call-ended'; readonly callId: string }
  | { readonly kind: 'message'; readonly channel: HistoryChannel; readonly direction: HistoryDirection; readonly subject?: NormalizedSubject }
);

/** An e-mail subject reduced to what identifies its issue (see normalizeSubject). */
export interface NormalizedSubject {
  readonly text: string;
  readonly referenceToken?: string;
}

/**
 * Everything known about one interaction, kept as sets and time-stamped values so that folding
 * the same facts in any order, any number of times, gives the same record.
 */
export interface InteractionRecord {
  readonly interactionId: string;
  /** The customer named by the earliest identity-bearing event. */
  readonly customer?: Stamped<string>;
  readonly channel?: Stamped<HistoryChannel>;
  readonly direction?: Stamped<HistoryDirection>;
  /** The queue of the latest queue event. */
  readonly queue?: Stamped<string>;
  readonly callId?: Stamped<string>;
  readonly firstAt?: number;
  readonly lastAt?: number;
  readonly queuedAt?: number;
  readonly abandonedAt?: number;
  readonly callEndedAt?: number;
  /** The earliest withdrawal (customer left before an agent took it) and its reason. */
  readonly withdrawn?: Stamped<string>;
  /** The normalised subject of the earliest inbound message that had one. */
  readonly subject?: Stamped<string>;
  /** The reference token of the earliest inbound message that carried one. */
  readonly referenceToken?: Stamped<string>;
  /** Offers made and offers ended, kept apart so either may arrive first; see offerViews. */
  readonly offers: readonly OfferFact[];
  readonly offerEnds: readonly OfferEndFact[];
  /** Sorted by time, then agent; each (agent, time) once. */
  readonly assignments: readonly { readonly agentId: string; readonly queueId: string; readonly at: number }[];
  readonly completions: readonly { readonly agentId: string; readonly at: number }[];
  readonly rejected?: Stamped<string>;
  readonly transfers: readonly TransferView[];
  readonly wrapUps: readonly WrapUpView[];
  readonly recordings: readonly RecordingView[];
  readonly surveys: readonly SurveyView[];
}

export interface OfferFact {
  readonly offerId: string;
  readonly agentId: string;
  readonly queueId: string;
  readonly at: number;
}

export interface OfferEndFact extends OfferFact {
  /** "rejected", "timed-out" or "withdrawn", as routing says. */
  readonly reason: string;
}

/** One offer to one agent; `endedAt` only when it ended without acceptance. */
export interface OfferView {
  readonly offerId: string;
  readonly agentId: string;
  readonly queueId: string;
  readonly offeredAt?: number;
  readonly endedAt?: number;
  readonly endReason?: string;
}

export interface TransferView {
  readonly fromAgentId: string;
  readonly fromQueueId: string;
  readonly toQueueId: string;
  readonly toAgentId?: string;
  readonly at: number;
}

export interface WrapUpView {
  readonly agentId: string;
  readonly queueId: string;
  readonly disposition: string;
  /** Personal data: emptied when the customer is erased. */
  readonly notes: string;
  /** The queue's wrap-up timeout ended it, not the agent. */
  readonly timedOut: boolean;
  readonly handleTimeMs: number;
  readonly at: number;
}

/** A post-contact survey; each score only when the survey asked it. */
export interface SurveyView {
  readonly surveyId: string;
  readonly csat?: number;
  readonly nps?: number;
  readonly ces?: number;
  readonly at: number;
}

export interface RecordingView {
  readonly recordingId: string;
  readonly uri: string;
  readonly durationMs: number;
  readonly at: number;
}

export interface AgentSegmentView {
  readonly agentId: string;
  readonly queueId: string;
  readonly assignedAt: number;
  readonly completedAt?: number;
  /** When this agent passed the interaction on. */
  readonly transferredAt?: number;
  readonly wrapUp?: WrapUpView;
}

export function emptyInteractionRecord(interactionId: string): InteractionRecord {
  return { interactionId, assignments: [], completions: [], transfers: [], wrapUps: [], recordings: [], surveys: [], offers: [], offerEnds: [] };
}

/** A stored record; those written before transfers, wrap-ups, recordings, surveys and offers were kept lack the lists. */
export function storedInteractionRecord(stored: InteractionRecord): InteractionRecord {
  return {
    ...stored,
    transfers: stored.transfers ?? [],
    wrapUps: stored.wrapUps ?? [],
    recordings: stored.recordings ?? [],
    surveys: stored.surveys ?? [],
    offers: stored.offers ?? [],
    offerEnds: stored.offerEnds ?? [],
  };
}

/** Earlier wins; equal times fall back to the smaller value, so the choice never depends on order. */
function earliest<T extends string>(current: Stamped<T> | undefined, value: T | undefined, at: number): Stamped<T> | undefined {
  if (value === undefined || value === '') return current;
  if (!current || at < current.at || (at === current.at && value < current.value)) return { value, at };
  return current;
}

function latest<T extends string>(current: Stamped<T> | undefined, value: T | undefined, at: number): Stamped<T> | undefined {
  if (value === undefined || value === '') return current;
  if (!current || at > current.at || (at === current.at && value > current.value)) return { value, at };
  return current;
}

const min = (a: number | undefined, b: number) => (a === undefined ? b : Math.min(a, b));
const max = (a: number | undefined, b: number) => (a === undefined ? b : Math.max(a, b));

function addUnique<T extends { agentId: string; at: number }>(list: readonly T[], item: T): readonly T[] {
  if (list.some((existing) => existing.agentId === item.agentId && existing.at === item.at)) return list;
  return [...list, item].sort((a, b) => a.at - b.at || a.agentId.localeCompare(b.agentId));
}

// jsonb does not keep key order, so items compare by their entries sorted by key.
const canonical = (item: object) => JSON.stringify(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Adds an item unless an equal one is there; sorted by time, then by content, so two different
 * facts of the same time (say two wrap-ups) keep one order whatever order they came in.
 */
function addDistinct<T extends { at: number }>(list: readonly T[], item: T): readonly T[] {
  const key = canonical(item);
  if (list.some((existing) => canonical(existing) === key)) return list;
  return [...list, item].sort((a, b) => a.at - b.at || (canonical(a) < canonical(b) ? -1 : 1));
}

/** Folds one fact into the record; commutative and idempotent over facts. */
export function applyInteractionFact(record: InteractionRecord, fact: InteractionFact): InteractionRecord {
  const { at } = fact;
  let next: InteractionRecord = {
    ...record,
    customer: earliest(record.customer, fact.customerId, at),
    firstAt: min(record.firstAt, at),
    lastAt: max(record.lastAt, at),
  };
  switch (fact.kind) {
    case 'requested':
      next = { ...next, channel: earliest(next.channel, fact.channel, at), direction: earliest(next.direction, fact.direction, at), queue: latest(next.queue, fact.queueId, at) };
      break;
    case 'queued':
      next = { ...next, channel: earliest(next.channel, fact.channel, at), queue: latest(next.queue, fact.queueId, at), queuedAt: min(next.queuedAt, at) };
      break;
    case 'offered': {
      const { offerId, agentId, queueId } = fact;
      next = { ...next, offers: addDistinct(next.offers, { offerId, agentId, queueId, at }) };
      break;
    }
    case 'offer-ended': {
      const { offerId, agentId, queueId, reason } = fact;
      next = { ...next, offerEnds: addDistinct(next.offerEnds, { offerId, agentId, queueId, reason, at }) };
      break;
    }
    case 'withdrawn':
      next = { ...next, withdrawn: earliest(next.withdrawn, fact.reason || 'withdrawn', at) };
      break;
    case 'assigned':
      next = { ...next, queue: latest(next.queue, fact.queueId, at), assignments: addUnique(next.assignments, { agentId: fact.agentId, queueId: fact.queueId, at }) };
      break;
    case 'completed':
      next = { ...next, completions: addUnique(next.completions, { agentId: fact.agentId, at }) };
      break;
    case 'abandoned':
      next = { ...next, queue: latest(next.queue, fact.queueId, at), abandonedAt: max(next.abandonedAt, at) };
      break;
    case 'rejected':
      next = { ...next, queue: latest(next.queue, fact.queueId || undefined, at), rejected: earliest(next.rejected, fact.reason || 'rejected', at) };
      break;
    case 'transferred': {
      const { fromAgentId, fromQueueId, toQueueId, toAgentId } = fact;
      next = { ...next, queue: latest(next.queue, toQueueId, at), transfers: addDistinct(next.transfers, { fromAgentId, fromQueueId, toQueueId, ...(toAgentId && { toAgentId }), at }) };
      break;
    }
    case 'wrapped-up': {
      const { agentId, queueId, disposition, notes, timedOut, handleTimeMs } = fact;
      next = { ...next, wrapUps: addDistinct(next.wrapUps, { agentId, queueId, disposition, notes, timedOut, handleTimeMs, at }) };
      break;
    }
    case 'recording': {
      const { recordingId, uri, durationMs } = fact;
      next = { ...next, recordings: addDistinct(next.recordings, { recordingId, uri, durationMs, at }) };
      break;
    }
    case 'survey': {
      const { surveyId, csat, nps, ces } = fact;
      const scores = { ...(csat !== undefined && { csat }), ...(nps !== undefined && { nps }), ...(ces !== undefined && { ces }) };
      next = { ...next, surveys: addDistinct(next.surveys, { surveyId, ...scores, at }) };
      break;
    }
    case 'call-started':
      next = { ...next, channel: earliest(next.channel, 'voice', at), callId: earliest(next.callId, fact.callId, at) };
      break;
    case 'call-ended':
      next = { ...next, channel: earliest(next.channel, 'voice', at), callId: earliest(next.callId, fact.callId, at), callEndedAt: max(next.callEndedAt, at) };
      break;
    case 'message':
      next = {
        ...next,
        channel: earliest(next.channel, fact.channel, at),
        direction: earliest(next.direction, fact.direction, at),
        subject: earliest(next.subject, fact.subject?.text, at),
        referenceToken: earliest(next.referenceToken, fact.subject?.referenceToken, at),
      };
      break;
  }
  return next;
}

/**
 * Each assignment is one agent's segment. Within it (up to that agent's next assignment) the
 * agent's first completion ends the handling, its first transfer passes the contact on, and its
 * last wrap-up is the segment's disposition.
 */
export function agentSegments(record: InteractionRecord): AgentSegmentView[] {
  return record.assignments.map((assignment) => {
    const nextOwn = record.assignments.find((other) => other.agentId === assignment.agentId && other.at > assignment.at)?.at ?? Infinity;
    const within = (agentId: string, at: number) => agentId === assignment.agentId && at >= assignment.at && at < nextOwn;
    const completion = record.completions.find((c) => within(c.agentId, c.at));
    const transfer = record.transfers.find((t) => within(t.fromAgentId, t.at));
    const wrapUp = record.wrapUps.filter((w) => within(w.agentId, w.at)).at(-1);
    return {
      agentId: assignment.agentId,
      queueId: assignment.queueId,
      assignedAt: assignment.at,
      completedAt: completion?.at,
      ...(transfer && { transferredAt: transfer.at }),
      ...(wrapUp && { wrapUp }),
    };
  });
}

/**
 * Each offer with how it ended, oldest first. An offer id seen only in an end (its offer event is
 * late or lost) still shows, without an offer time; the first end of an offer counts.
 */
export function offerViews(record: InteractionRecord): OfferView[] {
  const views = new Map<string, OfferView>();
  for (const offer of record.offers) {
    if (!views.has(offer.offerId)) views.set(offer.offerId, { offerId: offer.offerId, agentId: offer.agentId, queueId: offer.queueId, offeredAt: offer.at });
  }
  for (const end of record.offerEnds) {
    const view = views.get(end.offerId) ?? { offerId: end.offerId, agentId: end.agentId, queueId: end.queueId };
    if (view.endedAt === undefined) views.set(end.offerId, { ...view, endedAt: end.at, endReason: end.reason });
  }
  return [...views.values()].sort((a, b) => (a.offeredAt ?? a.endedAt ?? 0) - (b.offeredAt ?? b.endedAt ?? 0) || (a.offerId < b.offerId ? -1 : 1));
}

/** The last wrap-up by time: its disposition and notes are the interaction's. */
export function finalWrapUp(record: InteractionRecord): WrapUpView | undefined {
  return record.wrapUps.at(-1);
}

/** The customer's last answer, when surveyed more than once. */
export function finalSurvey(record: InteractionRecord): SurveyView | undefined {
  return record.surveys.at(-1);
}

/**
 * Rejected or abandoned when it never reached an agent; completed once the call ended or the
 * last agent completed or wrapped up. A contact passed on and not picked up again is open, or
 * abandoned when the customer left while waiting for the next agent.
 */
export function interactionOutcome(record: InteractionRecord): InteractionOutcome {
  const lastAssignment = record.assignments.at(-1)?.at;
  const lastTransfer = record.transfers.at(-1)?.at;
  if (lastAssignment === undefined && record.rejected !== undefined) return 'rejected';
  // A withdrawal is the channel's word that the customer left; routing's abandon may come later or not at all.
  if (lastAssignment === undefined && (record.abandonedAt !== undefined || record.withdrawn !== undefined)) return 'abandoned';
  if (record.callEndedAt !== undefined) return 'completed';
  if (lastTransfer !== undefined && (lastAssignment === undefined || lastTransfer >= lastAssignment)) {
    return record.abandonedAt !== undefined && record.abandonedAt >= lastTransfer ? 'abandoned' : 'open';
  }
  return record.completions.length > 0 || record.wrapUps.length > 0 ? 'completed' : 'open';
}

export function interactionEndedAt(record: InteractionRecord): number | undefined {
  const ends = [record.abandonedAt, record.rejected?.at, record.callEndedAt, ...record.completions.map((c) => c.at)].filter((t): t is number => t !== undefined);
  return ends.length > 0 ? Math.max(...ends) : undefined;
}

/** Whether the record holds what withoutPersonalData removes. */
export function holdsPersonalData(record: InteractionRecord): boolean {
  return record.subject !== undefined || record.wrapUps.some((w) => w.notes !== '');
}

/** Wrap-up notes are what an agent wrote about the customer and a subject what the customer wrote: an erased customer's go. */
export function withoutPersonalData(record: InteractionRecord): InteractionRecord {
  const { subject: _subject, ...rest } = record;
  return { ...rest, wrapUps: record.wrapUps.map((w) => ({ ...w, notes: '' })).reduce<readonly WrapUpView[]>(addDistinct, []) };
}
