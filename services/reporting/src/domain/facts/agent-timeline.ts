import type { AgentSpan } from './interval-contributions';
import type { AgentStateFact } from './reporting-fact';

/** Timeline order: by time, then by event id so two changes in one millisecond still have one order. */
export function compareStateChanges(a: AgentStateFact, b: AgentStateFact): number {
  return a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

/** Closed spans between consecutive changes of one agent; the last change's span is still open. */
export function timelineSpans(changes: readonly AgentStateFact[]): AgentSpan[] {
  const sorted = [...changes].sort(compareStateChanges);
  return sorted.slice(1).map((next, i) => ({ agentId: next.agentId, activity: sorted[i].activity, from: sorted[i].at, to: next.at }));
}
