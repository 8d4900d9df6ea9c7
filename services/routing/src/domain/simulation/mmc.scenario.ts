import { RoutingEngine } from '../routing.engine';
import { ContactCenterSimulator } from './contact-center.simulator';
import { SeededRandom } from './seeded-random';

export interface MmcOptions {
  readonly seed: number;
  /** Servers: agents with one voice slot each, all in one queue. */
  readonly agents: number;
  readonly meanInterarrivalMs: number;
  readonly meanHandleTimeMs: number;
}

const tenantId = 'simulated';
const queueId = 'inbound';
const startAt = Date.UTC(2025, 0, 6);

/**
 * The M/M/c queue of Erlang C as a routing setup: Poisson arrivals into one FIFO voice queue,
 * c identical agents, exponential handle times, no wrap-up, offers accepted at once, nobody
 * abandons. Its waits must match the Erlang C formulas.
 */
export function mmcSimulator(options: MmcOptions): ContactCenterSimulator {
  const engine = new RoutingEngine({ workspaceId: 'simulation' });
  engine.upsertQueue({
    now: startAt,
    config: {
      queueId,
      tenantId,
      channels: ['voice'],
      steps: [],
      defaultPriority: 0,
      serviceLevel: { percent: 80, thresholdMs: 20_000 },
      offerTimeoutMs: 60_000,
      wrapUp: { kind: 'none' },
      strategy: 'longest-idle',
      defaultHandleTimeMs: options.meanHandleTimeMs,
    },
  });
  for (let i = 0; i < options.agents; i++) {
    const agentId = `agent-${i}`;
    engine.upsertAgent({
      now: startAt,
      config: {
        agentId,
        workspaceId: 'simulation',
        tenantIds: [tenantId],
        queues: [{ queueId, priority: 1, delayMs: 0 }],
        capacity: { voice: 1 },
        crossChannel: 'voice-exclusive',
        skills: {},
      },
    });
    engine.login({ agentId, now: startAt });
  }
  return new ContactCenterSimulator({
    engine,
    startAt,
    arrivals: [{ tenantId, queueId, channel: 'voice', meanInterarrivalMs: options.meanInterarrivalMs }],
    meanHandleTimeMs: options.meanHandleTimeMs,
    random: new SeededRandom(options.seed),
  });
}
