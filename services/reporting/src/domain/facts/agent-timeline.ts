import type { AgentSpan } from './interval-contributions';
import type { AgentActivity, AgentStateFact } from './reporting-fact';

/** Timeline order: by time, then by event id so two changes in one millisecond still have one order. */
export function compareStateChanges(a: AgentStateFact, b: AgentStateFact): number {
  return a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

/** Closed spans between consecutive changes of one agent; the last change's span is still open. */
export function timelineSpans(changes: readonly AgentStateFact[]): AgentSpan[] {
  const sorted = [...changes].sort(compareStateChanges);
  return sorted.slice(1).map((next, i) => ({ agentId: next.agentId, activity: sorted[i].activity, from: sorted[i].at, to: next.at }));
}

/** One agent's state changes on one local day of the tenant's zone. */
export interface AgentDayTimeline {
  readonly agentId: string;
  /** The local day, [start, end): 24 h, or 23 / 25 h when the clocks change. */
  readonly dayStartMs: number;
  readonly dayEndMs: number;
  /** The state the agent was in when the day began; undefined when nothing is known before it. */
  readonly stateAtStart?: AgentActivity;
  /** Every change of the day, in timeline order. */
  readonly changes: readonly AgentStateFact[];
}

/**
 * The day's timeline from the agent's changes around it (any order): the last change before the
 * day gives the state it started in, changes at or after its end are left out.
 */
export function agentDayTimeline(agentId: string, day: { readonly startMs: number; readonly endMs: number }, changes: readonly AgentStateFact[]): AgentDayTimeline {
  const sorted = changes.filter((change) => change.agentId === agentId && change.at < day.endMs).sort(compareStateChanges);
  const before = sorted.filter((change) => change.at < day.startMs);
  return {
    agentId,
    dayStartMs: day.startMs,
    dayEndMs: day.endMs,
    stateAtStart: before[before.length - 1]?.activity,
    changes: sorted.filter((change) => change.at >= day.startMs),
  };
}
