import { AgentConfig } from './agent.config';
import { QueueConfig } from './queue.config';
import { RoutingError } from './routing-error';
import { RoutingEngine } from './routing.engine';
import { RoutingEvent } from './routing.events';

/** Monday 6 January 2025, 09:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
export const WORKSPACE = 'globalbpo';

export function aQueue(overrides: Partial<QueueConfig> & Pick<QueueConfig, 'queueId'>): QueueConfig {
  return {
    tenantId: 'northwind',
    channels: ['voice', 'chat', 'email'],
    steps: [],
    defaultPriority: 0,
    serviceLevel: { percent: 80, thresholdMs: 20_000 },
    offerTimeoutMs: 15_000,
    wrapUp: { kind: 'none' },
    strategy: 'longest-idle',
    defaultHandleTimeMs: 180_000,
    ...overrides,
  };
}

export function anAgent(overrides: Partial<AgentConfig> & Pick<AgentConfig, 'agentId'>): AgentConfig {
  return {
    workspaceId: WORKSPACE,
    tenantIds: ['northwind'],
    queues: [{ queueId: 'sales', priority: 1, delayMs: 0 }],
    capacity: { voice: 1, chat: 3, email: 5 },
    crossChannel: 'voice-exclusive',
    skills: {},
    ...overrides,
  };
}

export function newEngine(): RoutingEngine {
  return new RoutingEngine({ workspaceId: WORKSPACE });
}

/** Creates the queues, then the agents, and logs the agents in, in the order given. */
export function engineWith(queues: QueueConfig[], agents: AgentConfig[], now = T0): RoutingEngine {
  const engine = newEngine();
  for (const config of queues) engine.upsertQueue({ config, now });
  for (const config of agents) engine.upsertAgent({ config, now });
  for (const config of agents) engine.login({ agentId: config.agentId, now });
  return engine;
}

export function ofType<K extends RoutingEvent['type']>(events: RoutingEvent[], type: K): Extract<RoutingEvent, { type: K }>[] {
  return events.filter((event): event is Extract<RoutingEvent, { type: K }> => event.type === type);
}

export function offered(events: RoutingEvent[]): { interactionId: string; agentId: string; offerId: string }[] {
  return ofType(events, 'offered').map(({ interactionId, agentId, offerId }) => ({ interactionId, agentId, offerId }));
}

/** The RoutingError a call throws; fails when it throws something else or nothing. */
export function routingErrorOf(call: () => unknown): RoutingError {
  try {
    call();
  } catch (error) {
    if (error instanceof RoutingError) return error;
    throw error;
  }
  throw new Error('expected a RoutingError');
}
