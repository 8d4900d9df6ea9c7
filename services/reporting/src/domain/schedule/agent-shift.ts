import { countersOf } from '../facts/aggregate-counters';
import type { Contribution } from '../facts/interval-contributions';
import { splitByInterval } from '../facts/interval-bucket';
import type { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';
import { ScheduleError } from './schedule.error';

/** One paid stretch of an agent's time, [startMs, endMs): utilization's denominator. */
export interface AgentShift {
  readonly shiftId: string;
  readonly agentId: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Longer is a typing error rather than a shift (a day and a night shift are two). */
const MAX_SHIFT_MS = 24 * 3_600_000;

export function requireValidShift(shift: AgentShift): AgentShift {
  const { agentId, startMs, endMs } = shift;
  if (!agentId) throw new ScheduleError('invalid-shift', 'agent_id is required');
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || startMs >= endMs) {
    throw new ScheduleError('invalid-shift', 'start_time must be before end_time');
  }
  if (endMs - startMs > MAX_SHIFT_MS) throw new ScheduleError('invalid-shift', 'a shift lasts at most 24 hours');
  return shift;
}

/**
 * Refuses a shift that overlaps another of the same agent: paid time counts once, so two shifts
 * at once would be a double-booking, not more scheduled time. Touching shifts are fine.
 */
export function requireNoOverlap(shift: AgentShift, others: readonly AgentShift[]): void {
  const clash = others.find((other) => other.shiftId !== shift.shiftId && other.agentId === shift.agentId && other.startMs < shift.endMs && shift.startMs < other.endMs);
  if (clash) throw new ScheduleError('shift-overlaps', `agent ${shift.agentId} already has shift ${clash.shiftId} then`);
}

/** Scheduled time of the shift split into the 15-minute intervals it covers, on the agent's row (no queue, no channel). */
export function shiftContributions(shift: AgentShift, accumulator: IntervalKpiAccumulator, tenantId: string): Contribution[] {
  return splitByInterval(shift.startMs, shift.endMs).map(({ intervalStart, ms }) => {
    const sums = accumulator.addAgentTime(accumulator.empty(), { tenantId, agentId: shift.agentId, handlingMs: 0, availableMs: 0, scheduledMs: ms });
    return { key: { intervalStart, queueId: '', channel: '', agentId: shift.agentId }, counters: countersOf(sums, undefined) };
  });
}
