import { AgentOccupancyKpi } from './agent-occupancy.kpi';
import { KpiInputError } from './kpi-input.error';

describe(AgentOccupancyKpi.name, () => {
  const sut = new AgentOccupancyKpi();

  it('derives occupancy from logged-in buckets and utilization from paid time', () => {
    const sums = sut.add(sut.empty(), { tenantId: 't', agentId: 'a', handlingMs: 510_000, availableMs: 90_000, scheduledMs: 900_000 });

    // 510 / (510 + 90) and 510 / 900
    expect(sut.read(sums)).toEqual({ occupancy: 0.85, utilization: 510 / 900 });
  });

  it('has no figures for an agent who was never logged in or scheduled', () => {
    expect(sut.read(sut.empty())).toEqual({ occupancy: null, utilization: null });
  });

  it('rejects negative time', () => {
    expect(() => sut.add(sut.empty(), { tenantId: 't', agentId: 'a', handlingMs: -1, availableMs: 0, scheduledMs: 0 })).toThrow(KpiInputError);
  });
});
