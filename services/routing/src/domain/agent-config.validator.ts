import { AgentConfig } from './agent.config';
import { CHANNELS, isChannel } from './channel';
import { QueueConfig } from './queue.config';
import { RoutingError } from './routing-error';

const isNonNegativeInteger = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;

/**
 * Throws for a malformed agent: WRONG_WORKSPACE, QUEUE_NOT_FOUND, TENANT_NOT_GRANTED (a queue of
 * a tenant the agent may not serve, so grants are enforced by the profile itself) or
 * INVALID_AGENT_CONFIG naming every other problem.
 */
export function validateAgentConfig(
  config: AgentConfig,
  workspaceId: string,
  queueOf: (queueId: string) => QueueConfig | undefined,
): void {
  if (config.workspaceId !== workspaceId) {
    throw new RoutingError(
      'WRONG_WORKSPACE',
      `agent ${config.agentId} belongs to workspace ${config.workspaceId}, not ${workspaceId}`,
    );
  }
  const problems: string[] = [];
  if (!config.agentId) problems.push('agentId is required');
  const queueIds = new Set<string>();
  for (const membership of config.queues) {
    if (queueIds.has(membership.queueId)) problems.push(`queue ${membership.queueId} appears twice`);
    queueIds.add(membership.queueId);
    if (!Number.isInteger(membership.priority) || membership.priority < 1) {
      problems.push(`queue ${membership.queueId} priority must be a whole number from 1`);
    }
    if (!isNonNegativeInteger(membership.delayMs))
      problems.push(`queue ${membership.queueId} delayMs must be a whole number ≥ 0`);
  }
  for (const [channel, capacity] of Object.entries(config.capacity)) {
    if (!isChannel(channel)) problems.push(`unknown channel "${channel}"`);
    else if (!isNonNegativeInteger(capacity)) problems.push(`${channel} capacity must be a whole number ≥ 0`);
  }
  if ((config.capacity.voice ?? 0) > 1) problems.push('voice capacity is at most 1');
  if (config.maxTotal !== undefined && !(Number.isInteger(config.maxTotal) && config.maxTotal >= 1)) {
    problems.push('maxTotal must be a whole number ≥ 1');
  }
  if (!CHANNELS.some((channel) => (config.capacity[channel] ?? 0) > 0)) problems.push('no channel has capacity');
  if (config.crossChannel !== 'voice-exclusive' && config.crossChannel !== 'concurrent') {
    problems.push(`unknown crossChannel "${config.crossChannel}"`);
  }
  for (const [skill, level] of Object.entries(config.skills)) {
    if (!Number.isInteger(level) || level < 1 || level > 5) problems.push(`skill "${skill}" proficiency must be 1 to 5`);
  }
  if (problems.length > 0) throw new RoutingError('INVALID_AGENT_CONFIG', `agent ${config.agentId}: ${problems.join('; ')}`);

  for (const membership of config.queues) {
    const queue = queueOf(membership.queueId);
    if (!queue) throw new RoutingError('QUEUE_NOT_FOUND', `agent ${config.agentId} names unknown queue ${membership.queueId}`);
    if (!config.tenantIds.includes(queue.tenantId)) {
      throw new RoutingError(
        'TENANT_NOT_GRANTED',
        `agent ${config.agentId} is not granted tenant ${queue.tenantId} of queue ${membership.queueId}`,
      );
    }
  }
}
