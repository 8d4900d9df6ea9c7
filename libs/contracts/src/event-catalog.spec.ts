import { Events, eventDefinition, Topics } from './event-catalog';
import { fromTimestamp, toTimestamp } from './timestamps';

describe('event catalog', () => {
  it('round-trips every event through its protobuf codec', () => {
    const sut = Events.InteractionRequested;
    const bytes = sut.codec.encode({
      interactionId: 'i-1', tenantId: 't-1', workspaceId: 'w-1', channel: 2, direction: 1, queueId: 'q',
      priority: 3, requiredSkills: { english: 3 }, customerIdentity: '+15550100', preferredAgentId: '',
      requestedAt: toTimestamp(new Date('2026-01-01T00:00:00.123Z')),
    }).finish();
    const decoded = sut.codec.decode(bytes);
    expect(decoded.requiredSkills).toEqual({ english: 3 });
    expect(fromTimestamp(decoded.requestedAt)?.toISOString()).toBe('2026-01-01T00:00:00.123Z');
  });

  it('finds definitions by type and puts each domain on its own topic', () => {
    expect(eventDefinition('contactcenter.agent.v1.AgentStateChanged')?.topic).toBe(Topics.agent);
    expect(eventDefinition('nope.Unknown')).toBeUndefined();
    const types = Object.values(Events).map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
  });
});
