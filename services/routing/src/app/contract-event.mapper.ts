import { agentV1, commonV1, Events, toTimestamp } from '@contactcenter/contracts';
import type { OutboxEvent } from '@contactcenter/messaging';
import type { AgentState, Channel, RoutingEvent } from '../domain';

export const PROTO_AGENT_STATES: Readonly<Record<AgentState, agentV1.AgentState>> = {
  offline: agentV1.AgentState.AGENT_STATE_OFFLINE,
  available: agentV1.AgentState.AGENT_STATE_AVAILABLE,
  away: agentV1.AgentState.AGENT_STATE_AWAY,
  'on-contact': agentV1.AgentState.AGENT_STATE_ON_CONTACT,
  'after-contact-work': agentV1.AgentState.AGENT_STATE_AFTER_CONTACT_WORK,
};

export const PROTO_CHANNELS: Readonly<Record<Channel, commonV1.Channel>> = {
  voice: commonV1.Channel.CHANNEL_VOICE,
  chat: commonV1.Channel.CHANNEL_CHAT,
  email: commonV1.Channel.CHANNEL_EMAIL,
  sms: commonV1.Channel.CHANNEL_SMS,
  social: commonV1.Channel.CHANNEL_SOCIAL,
  task: commonV1.Channel.CHANNEL_TASK,
};

export interface ContractEventContext {
  readonly workspaceId: string;
  /** Tenants an agent is granted: agent events are filed once under each (reporting reads them per tenant). */
  readonly agentTenants: (agentId: string) => readonly string[];
  /** The channel of a routed interaction (overflow events do not repeat it). */
  readonly channelOf: (interactionId: string) => Channel;
  /** Notes the agent gave with a wrap-up; the engine keeps only the code. */
  readonly wrapUpNotes?: string;
}

/**
 * The engine's events as contract events for the outbox, in the engine's order. Each carries
 * its tenant; agent events, which have none, go out once per tenant the agent is granted.
 * Redirect and overflow show as an InteractionQueued of the queue the contact moves to.
 */
export function contractEventsOf(events: readonly RoutingEvent[], context: ContractEventContext): OutboxEvent[] {
  const { workspaceId } = context;
  const out: OutboxEvent[] = [];
  for (const event of events) {
    const time = new Date(event.at);
    const at = toTimestamp(time);
    const meta = { workspaceId, time };
    switch (event.type) {
      case 'queued':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionQueued, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, channel: PROTO_CHANNELS[event.channel], queuedAt: at } });
        break;
      case 'offered':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionOffered, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, agentId: event.agentId, offerId: event.offerId, offeredAt: at, expiresAt: toTimestamp(new Date(event.expiresAt)) } });
        break;
      case 'offerRejected':
      case 'offerTimedOut':
      case 'offerRevoked': {
        const reason = { offerRejected: 'rejected', offerTimedOut: 'timed-out', offerRevoked: 'withdrawn' }[event.type];
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionOfferEnded, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, agentId: event.agentId, offerId: event.offerId, reason, endedAt: at } });
        break;
      }
      case 'assigned':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionAssigned, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, agentId: event.agentId, assignedAt: at, queueTimeMs: event.queueTimeMs } });
        break;
      case 'transferred':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionTransferred, payload: { interactionId: event.interactionId, tenantId: event.tenantId, fromQueueId: event.queueId, fromAgentId: event.fromAgentId, toQueueId: event.toQueueId, toAgentId: event.toAgentId ?? '', transferredAt: at } });
        break;
      case 'deliveryFailed':
        // Reporting and history know a transfer: it ends this agent's handling and the contact waits in the queue again.
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionTransferred, payload: { interactionId: event.interactionId, tenantId: event.tenantId, fromQueueId: event.queueId, fromAgentId: event.agentId, toQueueId: event.queueId, toAgentId: '', transferredAt: at } });
        break;
      case 'completed':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionCompleted, payload: { interactionId: event.interactionId, tenantId: event.tenantId, agentId: event.agentId, completedAt: at } });
        break;
      case 'wrapUpDone':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionWrappedUp, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, agentId: event.agentId, disposition: event.code ?? '', notes: event.timedOut ? '' : (context.wrapUpNotes ?? ''), timedOut: event.timedOut, handleTimeMs: event.handleTimeMs, wrappedUpAt: at } });
        break;
      case 'abandoned':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionAbandoned, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.queueId, abandonedAt: at, queueTimeMs: event.queueTimeMs } });
        break;
      case 'overflowed':
        out.push({ ...meta, tenantId: event.tenantId, definition: Events.InteractionQueued, payload: { interactionId: event.interactionId, tenantId: event.tenantId, queueId: event.toQueueId, channel: PROTO_CHANNELS[context.channelOf(event.interactionId)], queuedAt: at } });
        break;
      case 'agentStateChanged':
        for (const tenantId of context.agentTenants(event.agentId)) {
          const agent = { ...meta, tenantId, key: workspaceId };
          if (event.previousState === 'offline') {
            out.push({ ...agent, definition: Events.AgentLoggedIn, payload: { agentId: event.agentId, workspaceId, tenantIds: [...context.agentTenants(event.agentId)], loggedInAt: at } });
          }
          out.push({ ...agent, definition: Events.AgentStateChanged, payload: { agentId: event.agentId, workspaceId, previousState: PROTO_AGENT_STATES[event.previousState], state: PROTO_AGENT_STATES[event.state], reasonCode: event.reasonCode ?? '', changedAt: at } });
          if (event.state === 'offline') {
            out.push({ ...agent, definition: Events.AgentLoggedOut, payload: { agentId: event.agentId, workspaceId, loggedOutAt: at } });
          }
        }
        break;
    }
  }
  return out;
}

/** The proto Channel enum onto the engine's channel names; UNSPECIFIED has none. */
export const CHANNELS_OF_PROTO: Readonly<Partial<Record<number, Channel>>> = Object.fromEntries(
  Object.entries(PROTO_CHANNELS).map(([channel, proto]) => [proto, channel as Channel]),
);
