import { type AdditiveKpi, addCounters, ratio } from './additive-kpi';
import type { AgentTimeFacts } from './contact-facts';
import { requireKpiInput } from './kpi-input.error';

export interface AgentTimeSums {
  readonly handlingMs: number;
  readonly availableMs: number;
  readonly scheduledMs: number;
}

export interface AgentOccupancyReading {
  /** Handling / (handling + available idle), within logged-in time; healthy at 85 % or less. */
  readonly occupancy: number | null;
  /** Handling / scheduled (paid) time. */
  readonly utilization: number | null;
}

export class AgentOccupancyKpi implements AdditiveKpi<AgentTimeFacts, AgentTimeSums, AgentOccupancyReading> {
  empty(): AgentTimeSums {
    return { handlingMs: 0, availableMs: 0, scheduledMs: 0 };
  }

  add(sums: AgentTimeSums, facts: AgentTimeFacts): AgentTimeSums {
    const { agentId, handlingMs, availableMs, scheduledMs } = facts;
    requireKpiInput([handlingMs, availableMs, scheduledMs].every((ms) => Number.isFinite(ms) && ms >= 0), `agent ${agentId}: negative time`);
    return addCounters(sums, { handlingMs, availableMs, scheduledMs });
  }

  merge(a: AgentTimeSums, b: AgentTimeSums): AgentTimeSums {
    return addCounters(a, b);
  }

  read(sums: AgentTimeSums): AgentOccupancyReading {
    return {
      occupancy: ratio(sums.handlingMs, sums.handlingMs + sums.availableMs),
      utilization: ratio(sums.handlingMs, sums.scheduledMs),
    };
  }
}
