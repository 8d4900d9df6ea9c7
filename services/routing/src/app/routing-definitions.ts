import type { AgentConfig, BusinessHours, ClosedBehaviour, QueueConfig } from '../domain';

/**
 * A queue as the admin API stores it: the engine's configuration without the business hours,
 * which are their own resource (shared by queues) and are resolved when the engine gets it.
 */
export interface QueueDefinition {
  readonly name: string;
  readonly businessHoursId?: string;
  readonly whenClosed: ClosedBehaviour;
  readonly config: Omit<QueueConfig, 'businessHours'>;
}

export interface BusinessHoursDefinition extends Omit<BusinessHours, 'whenClosed'> {
  readonly businessHoursId: string;
  readonly name: string;
}

export interface SkillDefinition {
  readonly name: string;
  readonly description: string;
}

/** An agent's routing profile: what the engine needs of the agent, before a login narrows it. */
export type AgentProfile = Omit<AgentConfig, 'workspaceId'>;

/** The engine's configuration of a queue, with its business hours resolved. */
export function queueConfigOf(queue: QueueDefinition, hours: BusinessHoursDefinition | undefined): QueueConfig {
  if (!hours) return queue.config;
  const { timeZone, weekly, holidays } = hours;
  return { ...queue.config, businessHours: { timeZone, weekly, holidays, whenClosed: queue.whenClosed } };
}
