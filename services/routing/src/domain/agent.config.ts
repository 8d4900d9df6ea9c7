import { Channel } from './channel';

/** A queue in the agent's routing profile. */
export interface QueueMembership {
  readonly queueId: string;
  /** 1 is served first; an agent takes work from a lower-ranked queue only when higher ones have none for it. */
  readonly priority: number;
  /** The agent receives the queue's items only after they have waited this long in the queue. */
  readonly delayMs: number;
}

/**
 * voice-exclusive: a voice contact blocks every other channel and any other contact blocks
 * voice (the usual contact-center default); concurrent: channels only share `maxTotal`.
 */
export type CrossChannelRule = 'voice-exclusive' | 'concurrent';

export interface AgentConfig {
  readonly agentId: string;
  readonly workspaceId: string;
  /** Tenants whose work the agent may take. */
  readonly tenantIds: readonly string[];
  readonly queues: readonly QueueMembership[];
  /** Concurrent items per channel; an absent or zero channel is not handled. Voice is at most 1. */
  readonly capacity: Partial<Record<Channel, number>>;
  /** Concurrent items across channels; defaults to the sum of the channel capacities. */
  readonly maxTotal?: number;
  readonly crossChannel: CrossChannelRule;
  /** Proficiency 1–5 per skill. */
  readonly skills: Readonly<Record<string, number>>;
}
