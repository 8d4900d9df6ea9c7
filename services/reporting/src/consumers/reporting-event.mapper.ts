import { agentV1, type commonV1, Events, fromTimestamp, type EventDefinition, type Timestamp } from '@contactcenter/contracts';
import type { EventRecord } from '@contactcenter/messaging';
import type { AgentActivity, ReportingFact } from '../domain/facts/reporting-fact';
import { MalformedEventError } from './malformed-event.error';
import { PROTO_CHANNELS } from '../proto-channel.mapper';

const ACTIVITIES: Readonly<Record<number, AgentActivity>> = {
  [agentV1.AgentState.AGENT_STATE_OFFLINE]: 'offline',
  [agentV1.AgentState.AGENT_STATE_AVAILABLE]: 'available',
  [agentV1.AgentState.AGENT_STATE_AWAY]: 'away',
  [agentV1.AgentState.AGENT_STATE_ON_CONTACT]: 'on-contact',
  [agentV1.AgentState.AGENT_STATE_AFTER_CONTACT_WORK]: 'after-contact-work',
};

/**
 * Maps one event to the fact it tells reporting, or undefined when it tells nothing reporting
 * counts. The tenant is the event's header (the transaction is sealed to it); a payload naming
 * another tenant is refused rather than filed under the wrong one.
 */
export function reportingFactOf(event: EventRecord): ReportingFact | undefined {
  const malformed = (detail: string) => new MalformedEventError(event.id, detail);
  const decode = <T>(definition: EventDefinition<T>): T & { tenantId?: string } => {
    const payload = definition.codec.decode(event.payload) as T & { tenantId?: string };
    if (payload.tenantId && payload.tenantId !== event.tenantId) throw malformed(`payload tenant ${payload.tenantId} differs from header tenant ${event.tenantId}`);
    return payload;
  };
  const time = (name: string, timestamp: Timestamp | undefined) => {
    const at = fromTimestamp(timestamp)?.getTime();
    if (at === undefined || !Number.isFinite(at)) throw malformed(`${name} is missing`);
    return at;
  };
  const channel = (value: commonV1.Channel) => {
    const mapped = PROTO_CHANNELS[value];
    if (!mapped) throw malformed(`unknown channel ${value}`);
    return mapped;
  };
  const required = (name: string, value: string) => {
    if (!value) throw malformed(`${name} is missing`);
    return value;
  };
  const wait = (queueTimeMs: number) => {
    if (!Number.isInteger(queueTimeMs) || queueTimeMs < 0) throw malformed(`queue_time_ms ${queueTimeMs} is not a duration`);
    return queueTimeMs;
  };

  switch (event.type) {
    case Events.InteractionRequested.type: {
      const e = decode(Events.InteractionRequested);
      const known = PROTO_CHANNELS[e.channel];
      return known ? { kind: 'channel', interactionId: required('interaction_id', e.interactionId), channel: known } : undefined;
    }
    case Events.InteractionQueued.type: {
      const e = decode(Events.InteractionQueued);
      return { kind: 'queued', interactionId: required('interaction_id', e.interactionId), queueId: required('queue_id', e.queueId), channel: channel(e.channel), at: time('queued_at', e.queuedAt) };
    }
    case Events.InteractionAssigned.type: {
      const e = decode(Events.InteractionAssigned);
      return {
        kind: 'answered',
        interactionId: required('interaction_id', e.interactionId),
        queueId: required('queue_id', e.queueId),
        agentId: required('agent_id', e.agentId),
        at: time('assigned_at', e.assignedAt),
        queueTimeMs: wait(e.queueTimeMs),
      };
    }
    case Events.InteractionAbandoned.type: {
      const e = decode(Events.InteractionAbandoned);
      return { kind: 'abandoned', interactionId: required('interaction_id', e.interactionId), queueId: required('queue_id', e.queueId), at: time('abandoned_at', e.abandonedAt), queueTimeMs: wait(e.queueTimeMs) };
    }
    case Events.InteractionCompleted.type: {
      const e = decode(Events.InteractionCompleted);
      return { kind: 'completed', interactionId: required('interaction_id', e.interactionId), agentId: required('agent_id', e.agentId), at: time('completed_at', e.completedAt) };
    }
    case Events.AgentStateChanged.type: {
      const e = decode(Events.AgentStateChanged);
      const activity = ACTIVITIES[e.state];
      if (!activity) throw malformed(`unknown agent state ${e.state}`);
      return { kind: 'agent-state', agentId: required('agent_id', e.agentId), activity, at: time('changed_at', e.changedAt), eventId: event.id };
    }
    case Events.AgentLoggedOut.type: {
      const e = decode(Events.AgentLoggedOut);
      return { kind: 'agent-state', agentId: required('agent_id', e.agentId), activity: 'offline', at: time('logged_out_at', e.loggedOutAt), eventId: event.id };
    }
    case Events.MessageReceived.type: {
      const e = decode(Events.MessageReceived);
      // A message not (yet) tied to an interaction has no first response to measure.
      return e.interactionId ? { kind: 'customer-message', interactionId: e.interactionId, channel: channel(e.channel), at: time('received_at', e.receivedAt) } : undefined;
    }
    case Events.MessageSent.type: {
      const e = decode(Events.MessageSent);
      return e.interactionId ? { kind: 'agent-reply', interactionId: e.interactionId, at: time('sent_at', e.sentAt) } : undefined;
    }
    default:
      return undefined;
  }
}
