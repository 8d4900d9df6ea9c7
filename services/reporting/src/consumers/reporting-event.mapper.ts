import { agentV1, type commonV1, Events, fromTimestamp, type EventDefinition, type Timestamp } from '@contactcenter/contracts';
import type { EventRecord } from '@contactcenter/messaging';
import type { AgentActivity, ReportingFact } from '../domain/facts/reporting-fact';
import { isValidScore, SURVEY_SCALES } from '../domain/kpi/survey.kpi';
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

  const callFact = (kind: 'call-held' | 'call-resumed' | 'call-ended', interactionId: string, callId: string, at: number): ReportingFact | undefined =>
    // A call not tied to an interaction (still in the IVR, say) has no handling to put hold on.
    interactionId ? { kind, interactionId, callId: required('call_id', callId), at } : undefined;

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
      const fact = { kind: 'completed', interactionId: required('interaction_id', e.interactionId), agentId: required('agent_id', e.agentId), at: time('completed_at', e.completedAt) } as const;
      // Absent hold_ms leaves the hold to the call events; a stated one overrides them.
      if (e.holdMs === undefined) return fact;
      if (!Number.isInteger(e.holdMs) || e.holdMs < 0) throw malformed(`hold_ms ${e.holdMs} is not a duration`);
      return { ...fact, holdMs: e.holdMs };
    }
    case Events.CallHeld.type: {
      const e = decode(Events.CallHeld);
      return callFact('call-held', e.interactionId, e.callId, time('held_at', e.heldAt));
    }
    case Events.CallResumed.type: {
      const e = decode(Events.CallResumed);
      return callFact('call-resumed', e.interactionId, e.callId, time('resumed_at', e.resumedAt));
    }
    case Events.CallEnded.type: {
      const e = decode(Events.CallEnded);
      return callFact('call-ended', e.interactionId, e.callId, time('ended_at', e.endedAt));
    }
    case Events.InteractionWrappedUp.type: {
      const e = decode(Events.InteractionWrappedUp);
      return { kind: 'wrapped-up', interactionId: required('interaction_id', e.interactionId), agentId: required('agent_id', e.agentId), at: time('wrapped_up_at', e.wrappedUpAt) };
    }
    case Events.InteractionTransferred.type: {
      const e = decode(Events.InteractionTransferred);
      return { kind: 'transferred', interactionId: required('interaction_id', e.interactionId), agentId: required('from_agent_id', e.fromAgentId), at: time('transferred_at', e.transferredAt) };
    }
    case Events.InteractionCustomerLinked.type: {
      const e = decode(Events.InteractionCustomerLinked);
      return {
        kind: 'customer-linked',
        interactionId: required('interaction_id', e.interactionId),
        customerId: required('customer_id', e.customerId),
        ...(e.caseId ? { caseId: e.caseId } : {}),
        at: time('linked_at', e.linkedAt),
      };
    }
    case Events.SurveyCompleted.type: {
      const e = decode(Events.SurveyCompleted);
      const scores: { csat?: number; nps?: number; ces?: number } = {};
      for (const kind of ['csat', 'nps', 'ces'] as const) {
        const score = e[kind];
        if (score === undefined) continue;
        if (!isValidScore(kind, score)) throw malformed(`${kind} ${score} is outside ${SURVEY_SCALES[kind].join('-')}`);
        scores[kind] = score;
      }
      return { kind: 'survey', interactionId: required('interaction_id', e.interactionId), surveyId: required('survey_id', e.surveyId), scores };
    }
    case Events.AgentStateChanged.type: {
      const e = decode(Events.AgentStateChanged);
      const activity = ACTIVITIES[e.state];
      if (!activity) throw malformed(`unknown agent state ${e.state}`);
      return { kind: 'agent-state', agentId: required('agent_id', e.agentId), activity, at: time('changed_at', e.changedAt), reason: activity === 'away' ? e.reasonCode : '', eventId: event.id };
    }
    case Events.AgentLoggedOut.type: {
      const e = decode(Events.AgentLoggedOut);
      return { kind: 'agent-state', agentId: required('agent_id', e.agentId), activity: 'offline', at: time('logged_out_at', e.loggedOutAt), reason: '', eventId: event.id };
    }
    case Events.MessageReceived.type: {
      const e = decode(Events.MessageReceived);
      // A message not (yet) tied to an interaction has no first response to measure.
      return e.interactionId ? { kind: 'customer-message', interactionId: e.interactionId, channel: channel(e.channel), at: time('received_at', e.receivedAt) } : undefined;
    }
    case Events.MessageSent.type: {
      const e = decode(Events.MessageSent);
      // Only an agent's reply is a first response (a message without agent is automated).
      return e.interactionId && e.agentId ? { kind: 'agent-reply', interactionId: e.interactionId, at: time('sent_at', e.sentAt) } : undefined;
    }
    default:
      return undefined;
  }
}
