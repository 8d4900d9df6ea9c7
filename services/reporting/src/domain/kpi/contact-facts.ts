/** Channel vocabulary of the domain core; the edge maps the proto `Channel` enum onto it. */
export type ContactChannel = 'voice' | 'chat' | 'email' | 'sms' | 'social' | 'task';

export const CONTACT_CHANNELS: readonly ContactChannel[] = ['voice', 'chat', 'email', 'sms', 'social', 'task'];

/**
 * What reporting knows about one contact's visit to one queue. Times are epoch milliseconds and
 * durations milliseconds. A transfer makes a second visit to the target queue with the same
 * `contactId`, so every queue is offered what reached it.
 */
export interface ContactFacts {
  /** The customer contact (interaction); shared by all of its queue visits. */
  readonly contactId: string;
  readonly tenantId: string;
  readonly queueId: string;
  readonly channel: ContactChannel;
  readonly customerId: string;
  readonly caseId?: string;
  readonly enqueuedAt: number;
  readonly answeredAt?: number;
  readonly abandonedAt?: number;
  /** End of after-contact work: from here on the visit is handled. */
  readonly handledEnd?: number;
  readonly talkMs: number;
  readonly holdMs: number;
  readonly acwMs: number;
  /** The visit ended by passing the contact to another queue or agent. */
  readonly transferred: boolean;
  readonly firstCustomerMessageAt?: number;
  readonly firstAgentReplyAt?: number;
}

/**
 * One agent's state time in one interval, split by the agent timeline. Handling includes talk,
 * hold and after-contact work; available is idle time ready for a contact; scheduled is paid time.
 */
export interface AgentTimeFacts {
  readonly tenantId: string;
  readonly agentId: string;
  readonly handlingMs: number;
  readonly availableMs: number;
  readonly scheduledMs: number;
}
