import { DEFAULT_KPI_SETTINGS } from '../kpi/kpi-settings';
import { IntervalKpiAccumulator } from '../kpi/interval-kpis.accumulator';
import { type AgentShift, requireNoOverlap, requireValidShift, shiftContributions } from './agent-shift';
import { ScheduleError } from './schedule.error';

const M = 60_000;
const T0 = Date.UTC(2025, 0, 6, 9);
const shift = (shiftId: string, fromMinutes: number, toMinutes: number, agentId = 'ag1'): AgentShift => ({ shiftId, agentId, startMs: T0 + fromMinutes * M, endMs: T0 + toMinutes * M });
const reason = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    return error instanceof ScheduleError ? error.reason : 'other';
  }
  return 'none';
};

describe('agent shifts', () => {
  it('split scheduled time into the intervals they cover', () => {
    // 09:10-09:50: 5 min of 09:00, 15 of 09:15, 15 of 09:30, 5 of 09:45.
    const contributions = shiftContributions(shift('s1', 10, 50), new IntervalKpiAccumulator(DEFAULT_KPI_SETTINGS), 't');
    expect(contributions.map(({ key, counters }) => [(key.intervalStart - T0) / M, key.agentId, key.queueId, key.channel, counters.scheduledMs / M])).toEqual([
      [0, 'ag1', '', '', 5],
      [15, 'ag1', '', '', 15],
      [30, 'ag1', '', '', 15],
      [45, 'ag1', '', '', 5],
    ]);
    expect(contributions.every(({ counters }) => counters.handlingMs === 0 && counters.availableMs === 0)).toBe(true);
  });

  it('refuse an empty, reversed or over-long shift and one without an agent', () => {
    expect(reason(() => requireValidShift(shift('s1', 10, 10)))).toBe('invalid-shift');
    expect(reason(() => requireValidShift(shift('s1', 20, 10)))).toBe('invalid-shift');
    expect(reason(() => requireValidShift(shift('s1', 0, 24 * 60 + 1)))).toBe('invalid-shift');
    expect(reason(() => requireValidShift(shift('s1', 0, 60, '')))).toBe('invalid-shift');
    expect(reason(() => requireValidShift(shift('s1', 0, 24 * 60)))).toBe('none');
  });

  it("refuse overlapping another shift of the same agent, not touching it or another agent's", () => {
    const existing = [shift('s1', 0, 60), shift('s2', 120, 180, 'ag2')];
    expect(reason(() => requireNoOverlap(shift('s3', 59, 90), existing))).toBe('shift-overlaps');
    expect(reason(() => requireNoOverlap(shift('s3', 60, 90), existing))).toBe('none');
    expect(reason(() => requireNoOverlap(shift('s3', 120, 180), existing))).toBe('none');
    // Moving a shift over its own old time is no overlap.
    expect(reason(() => requireNoOverlap(shift('s1', 30, 90), existing))).toBe('none');
  });
});
