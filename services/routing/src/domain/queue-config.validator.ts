import { businessHoursProblems } from './business-hours.policy';
import { isChannel } from './channel';
import { QueueConfig } from './queue.config';
import { RoutingError } from './routing-error';
import { stepProblems } from './routing-steps.policy';

const strategies = new Set(['longest-idle', 'most-proficient', 'least-occupied', 'round-robin']);

const isPositiveInteger = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0;

/**
 * Throws INVALID_QUEUE_CONFIG naming every problem of `config`. Queue references must name
 * known queues of the same tenant; `queueOf` sees the queues as they are before the upsert.
 */
export function validateQueueConfig(config: QueueConfig, queueOf: (queueId: string) => QueueConfig | undefined): void {
  const problems: string[] = [];
  if (!config.queueId) problems.push('queueId is required');
  if (!config.tenantId) problems.push('tenantId is required');
  const existing = queueOf(config.queueId);
  if (existing && existing.tenantId !== config.tenantId) problems.push('a queue cannot move to another tenant');

  if (config.channels.length === 0) problems.push('at least one channel is required');
  for (const channel of config.channels) if (!isChannel(channel)) problems.push(`unknown channel "${channel}"`);
  if (new Set(config.channels).size !== config.channels.length) problems.push('channels repeat');

  problems.push(...stepProblems(config.steps));
  if (!Number.isInteger(config.defaultPriority)) problems.push('defaultPriority must be a whole number');
  if (config.agingIntervalMs !== undefined && !isPositiveInteger(config.agingIntervalMs)) {
    problems.push('agingIntervalMs must be a positive whole number');
  }
  const { percent, thresholdMs } = config.serviceLevel;
  if (!(percent > 0 && percent <= 100)) problems.push('serviceLevel.percent must be in (0, 100]');
  if (!isPositiveInteger(thresholdMs)) problems.push('serviceLevel.thresholdMs must be a positive whole number');
  if (config.maxSize !== undefined && !isPositiveInteger(config.maxSize))
    problems.push('maxSize must be a positive whole number');
  if (!isPositiveInteger(config.offerTimeoutMs)) problems.push('offerTimeoutMs must be a positive whole number');
  if (!isPositiveInteger(config.defaultHandleTimeMs)) problems.push('defaultHandleTimeMs must be a positive whole number');
  if (!strategies.has(config.strategy)) problems.push(`unknown strategy "${config.strategy}"`);
  if (config.wrapUp.kind === 'mandatory-with-timeout' && !isPositiveInteger(config.wrapUp.timeoutMs)) {
    problems.push('wrap-up timeoutMs must be a positive whole number');
  }

  if (config.overflow) {
    if (!isPositiveInteger(config.overflow.afterMs)) problems.push('overflow.afterMs must be a positive whole number');
    problems.push(...referenceProblems('overflow', config.overflow.queueId, config, queueOf));
    if (overflowLoops(config, queueOf)) problems.push('overflow chain leads back to this queue');
  }
  if (config.businessHours) {
    problems.push(...businessHoursProblems(config.businessHours));
    const closed = config.businessHours.whenClosed;
    if (closed.kind === 'redirect') problems.push(...referenceProblems('closed redirect', closed.queueId, config, queueOf));
  }

  if (problems.length > 0) throw new RoutingError('INVALID_QUEUE_CONFIG', `queue ${config.queueId}: ${problems.join('; ')}`);
}

function referenceProblems(
  what: string,
  targetId: string,
  config: QueueConfig,
  queueOf: (queueId: string) => QueueConfig | undefined,
): string[] {
  if (targetId === config.queueId) return [`${what} target is the queue itself`];
  const target = queueOf(targetId);
  if (!target) return [`${what} target ${targetId} is unknown`];
  if (target.tenantId !== config.tenantId) return [`${what} target ${targetId} belongs to another tenant`];
  return [];
}

// Overflow resets the item's wait in the new queue, so a cycle would bounce items forever.
function overflowLoops(config: QueueConfig, queueOf: (queueId: string) => QueueConfig | undefined): boolean {
  const seen = new Set([config.queueId]);
  let next = config.overflow?.queueId;
  while (next !== undefined) {
    if (seen.has(next)) return next === config.queueId;
    seen.add(next);
    next = queueOf(next)?.overflow?.queueId;
  }
  return false;
}
