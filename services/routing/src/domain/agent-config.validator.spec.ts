import { AgentConfig } from './agent.config';
import { validateAgentConfig } from './agent-config.validator';
import { aQueue, anAgent, routingErrorOf, WORKSPACE } from './routing.test-fixtures';

describe(validateAgentConfig.name, () => {
  const queues = new Map([
    ['sales', aQueue({ queueId: 'sales' })],
    ['contoso-support', aQueue({ queueId: 'contoso-support', tenantId: 'contoso' })],
  ]);
  const sut = (config: AgentConfig): void => validateAgentConfig(config, WORKSPACE, (queueId) => queues.get(queueId));

  it('accepts a BPO agent serving two tenants', () => {
    const config = anAgent({
      agentId: 'ana',
      tenantIds: ['northwind', 'contoso'],
      queues: [
        { queueId: 'sales', priority: 1, delayMs: 0 },
        { queueId: 'contoso-support', priority: 2, delayMs: 10_000 },
      ],
      skills: { spanish: 5 },
    });

    expect(() => sut(config)).not.toThrow();
  });

  it('refuses an agent of another workspace', () => {
    expect(routingErrorOf(() => sut(anAgent({ agentId: 'ana', workspaceId: 'acme' }))).code).toBe('WRONG_WORKSPACE');
  });

  it('refuses an unknown queue', () => {
    const config = anAgent({ agentId: 'ana', queues: [{ queueId: 'nowhere', priority: 1, delayMs: 0 }] });

    expect(routingErrorOf(() => sut(config)).code).toBe('QUEUE_NOT_FOUND');
  });

  it('refuses a queue of a tenant the agent is not granted', () => {
    const config = anAgent({ agentId: 'ana', queues: [{ queueId: 'contoso-support', priority: 1, delayMs: 0 }] });

    expect(routingErrorOf(() => sut(config)).code).toBe('TENANT_NOT_GRANTED');
  });

  it.each<[string, Partial<AgentConfig>, string]>([
    ['two voice calls', { capacity: { voice: 2 } }, 'voice capacity is at most 1'],
    ['no capacity at all', { capacity: { chat: 0 } }, 'no channel has capacity'],
    ['a negative capacity', { capacity: { chat: -1, email: 1 } }, 'chat capacity must be a whole number ≥ 0'],
    ['a proficiency of 6', { skills: { spanish: 6 } }, 'skill "spanish" proficiency must be 1 to 5'],
    [
      'a queue priority of 0',
      { queues: [{ queueId: 'sales', priority: 0, delayMs: 0 }] },
      'priority must be a whole number from 1',
    ],
    ['a negative delay', { queues: [{ queueId: 'sales', priority: 1, delayMs: -5 }] }, 'delayMs must be a whole number ≥ 0'],
    [
      'a queue twice',
      {
        queues: [
          { queueId: 'sales', priority: 1, delayMs: 0 },
          { queueId: 'sales', priority: 2, delayMs: 0 },
        ],
      },
      'queue sales appears twice',
    ],
    ['a max total of 0', { maxTotal: 0 }, 'maxTotal must be a whole number ≥ 1'],
  ])('refuses %s', (_, overrides, problem) => {
    const error = routingErrorOf(() => sut(anAgent({ agentId: 'ana', ...overrides })));

    expect(error.code).toBe('INVALID_AGENT_CONFIG');
    expect(error.detail).toContain(problem);
  });
});
