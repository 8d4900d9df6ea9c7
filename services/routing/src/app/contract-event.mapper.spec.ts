import { agentV1, Events } from '@contactcenter/contracts';
import type { OutboxEvent } from '@contactcenter/messaging';
import type { RoutingEvent } from '../domain';
import { contractEventsOf } from './contract-event.mapper';

const context = { workspaceId: 'globalbpo', agentTenants: () => ['northwind', 'contoso'], channelOf: () => 'chat' as const };
const summary = (events: OutboxEvent[]) => events.map((e) => ['definition' in e ? e.definition.type.split('.').pop() : e.type, e.tenantId]);

describe(contractEventsOf.name, () => {
  it('files an agent event once under each tenant the agent is granted, with log-in and log-out around it', () => {
    const events: RoutingEvent[] = [
      { type: 'agentStateChanged', at: 1_000, agentId: 'a-1', previousState: 'offline', state: 'available' },
      { type: 'agentStateChanged', at: 2_000, agentId: 'a-1', previousState: 'available', state: 'offline' },
    ];

    const sut = contractEventsOf(events, context);

    expect(summary(sut)).toEqual([
      ['AgentLoggedIn', 'northwind'],
      ['AgentStateChanged', 'northwind'],
      ['AgentLoggedIn', 'contoso'],
      ['AgentStateChanged', 'contoso'],
      ['AgentStateChanged', 'northwind'],
      ['AgentLoggedOut', 'northwind'],
      ['AgentStateChanged', 'contoso'],
      ['AgentLoggedOut', 'contoso'],
    ]);
    expect((sut[1] as { payload: agentV1.AgentStateChanged }).payload.state).toBe(agentV1.AgentState.AGENT_STATE_AVAILABLE);
  });

  it('announces an overflow as a queue entry into the target, and carries wrap-up notes', () => {
    const events: RoutingEvent[] = [
      { type: 'overflowed', at: 5_000, tenantId: 'northwind', interactionId: 'i-1', queueId: 'sales', toQueueId: 'support' },
      { type: 'wrapUpDone', at: 9_000, tenantId: 'northwind', interactionId: 'i-2', queueId: 'sales', agentId: 'a-1', code: 'sold', timedOut: false, handleTimeMs: 4_000 },
    ];

    const [queued, wrapped] = contractEventsOf(events, { ...context, wrapUpNotes: 'upsold' }) as { definition: unknown; payload: any }[];

    expect(queued.definition).toBe(Events.InteractionQueued);
    expect(queued.payload).toMatchObject({ queueId: 'support', queuedAt: { seconds: 5, nanos: 0 } });
    expect(wrapped.definition).toBe(Events.InteractionWrappedUp);
    expect(wrapped.payload).toMatchObject({ disposition: 'sold', notes: 'upsold', handleTimeMs: 4_000 });
  });

  it('reports a failed delivery as a transfer from the agent back to the same queue', () => {
    const events: RoutingEvent[] = [{ type: 'deliveryFailed', at: 7_000, tenantId: 'northwind', interactionId: 'i-3', queueId: 'sales', agentId: 'a-1', reason: 'busy:486' }];

    const [transferred] = contractEventsOf(events, context) as { definition: unknown; tenantId: string; payload: any }[];

    expect(transferred.definition).toBe(Events.InteractionTransferred);
    expect(transferred.tenantId).toBe('northwind');
    expect(transferred.payload).toEqual({
      interactionId: 'i-3',
      tenantId: 'northwind',
      fromQueueId: 'sales',
      fromAgentId: 'a-1',
      toQueueId: 'sales',
      toAgentId: '',
      transferredAt: { seconds: 7, nanos: 0 },
    });
  });
});
