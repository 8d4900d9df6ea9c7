export type HistoryChannel = 'voice' | 'chat' | 'email' | 'sms' | 'social' | 'task';
export type HistoryDirection = 'inbound' | 'outbound';
export type InteractionOutcome = 'open' | 'completed' | 'abandoned';

/** A value with the event time that set it, so conflicting events settle by time, not arrival. */
export interface Stamped<T> {
  readonly value: T;
  readonly at: number;
}

/** What one event tells about an interaction; times are epoch ms of the event itself. */
export type InteractionFact = { readonly interactionId: string; readonly at: number; readonly customerId?: string } & (
  | { readonly kind: 'requested'; readonly channel?: HistoryChannel; readonly direction?: HistoryDirection; readonly queueId?: string }
  | { readonly kind: 'queued'; readonly queueId: string; readonly channel?: HistoryChannel }
  | { readonly kind: 'assigned'; readonly queueId: string; readonly agentId: string }
  | { readonly kind: 'completed'; readonly agentId: string }
  | { readonly kind: 'abandoned'; readonly queueId: string }
  | { readonly kind: 'call-started'; readonly callId: string }
  | { readonly kind: 'call-ended'; readonly callId: string }
  | { readonly kind: 'message'; readonly channel: HistoryChannel; readonly direction: HistoryDirection }
);

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
  /** Sorted by time, then agent; each (agent, time) once. */
  readonly assignments: readonly { readonly agentId: string; readonly queueId: string; readonly at: number }[];
  readonly completions: readonly { readonly agentId: string; readonly at: number }[];
}

export interface AgentSegmentView {
  readonly agentId: string;
  readonly queueId: string;
  readonly assignedAt: number;
  readonly completedAt?: number;
}

export function emptyInteractionRecord(interactionId: string): InteractionRecord {
  return { interactionId, assignments: [], completions: [] };
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
    case 'assigned':
      next = { ...next, queue: latest(next.queue, fact.queueId, at), assignments: addUnique(next.assignments, { agentId: fact.agentId, queueId: fact.queueId, at }) };
      break;
    case 'completed':
      next = { ...next, completions: addUnique(next.completions, { agentId: fact.agentId, at }) };
      break;
    case 'abandoned':
      next = { ...next, queue: latest(next.queue, fact.queueId, at), abandonedAt: max(next.abandonedAt, at) };
      break;
    case 'call-started':
      next = { ...next, channel: earliest(next.channel, 'voice', at), callId: earliest(next.callId, fact.callId, at) };
      break;
    case 'call-ended':
      next = { ...next, channel: earliest(next.channel, 'voice', at), callId: earliest(next.callId, fact.callId, at), callEndedAt: max(next.callEndedAt, at) };
      break;
    case 'message':
      next = { ...next, channel: earliest(next.channel, fact.channel, at), direction: earliest(next.direction, fact.direction, at) };
      break;
  }
  return next;
}

/** Each assignment is one agent's segment; it ends at that agent's first completion before its next assignment. */
export function agentSegments(record: InteractionRecord): AgentSegmentView[] {
  return record.assignments.map((assignment) => {
    const nextOwn = record.assignments.find((other) => other.agentId === assignment.agentId && other.at > assignment.at)?.at ?? Infinity;
    const completion = record.completions.find((c) => c.agentId === assignment.agentId && c.at >= assignment.at && c.at < nextOwn);
    return { agentId: assignment.agentId, queueId: assignment.queueId, assignedAt: assignment.at, completedAt: completion?.at };
  });
}

/** Abandoned when it left the queue unanswered; completed once handled or the call ended. */
export function interactionOutcome(record: InteractionRecord): InteractionOutcome {
  const answered = record.assignments.length > 0;
  if (!answered && record.abandonedAt !== undefined) return 'abandoned';
  if (record.completions.length > 0 || record.callEndedAt !== undefined) return 'completed';
  return 'open';
}

export function interactionEndedAt(record: InteractionRecord): number | undefined {
  const ends = [record.abandonedAt, record.callEndedAt, ...record.completions.map((c) => c.at)].filter((t): t is number => t !== undefined);
  return ends.length > 0 ? Math.max(...ends) : undefined;
}
