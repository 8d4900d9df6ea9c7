import { Events, fromTimestamp, type EventDefinition, type messageV1, type Timestamp } from '@contactcenter/contracts';
import type { EventRecord } from '@contactcenter/messaging';
import type { CountryCode } from 'libphonenumber-js';
import type { HistoryItem } from '../app/ingest-events/history-item';
import { type CustomerIdentity, normalizeIdentity, parseSenderIdentity } from '../domain/customer-identity';
import { normalizeSubject } from '../domain/case-matching.policy';
import { InvalidIdentityError } from '../domain/history.errors';
import type { AttachmentReference } from '../persistence/history-views';
import { CHANNELS, DIRECTIONS } from '../proto-enum.mapper';
import { MalformedEventError } from './malformed-event.error';

const attachmentOf = (a: messageV1.Attachment): AttachmentReference => ({ attachmentId: a.attachmentId, fileName: a.fileName, contentType: a.contentType, sizeBytes: Number(a.sizeBytes) });

/**
 * Maps one event to what it adds to history, or undefined when it adds nothing. A sender
 * identity that cannot be normalised leaves the event anonymous rather than dead-lettering a
 * customer's message; a missing id or time is malformed. The tenant is the event's header; a
 * payload naming another is refused.
 */
export function historyItemOf(event: EventRecord, defaultRegion?: CountryCode): HistoryItem | undefined {
  const malformed = (detail: string) => new MalformedEventError(event.id, detail);
  const decode = <T>(definition: EventDefinition<T>): T & { tenantId?: string } => {
    const payload = definition.codec.decode(event.payload) as T & { tenantId?: string };
    if (payload.tenantId && payload.tenantId !== event.tenantId) throw malformed(`payload tenant ${payload.tenantId} differs from header tenant ${event.tenantId}`);
    return payload;
  };
  const time = (name: string, timestamp: Timestamp | undefined) => {
    const at = fromTimestamp(timestamp);
    if (!at || !Number.isFinite(at.getTime())) throw malformed(`${name} is missing`);
    return at;
  };
  const required = (name: string, value: string) => {
    if (!value) throw malformed(`${name} is missing`);
    return value;
  };
  const identity = (read: () => CustomerIdentity): CustomerIdentity | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof InvalidIdentityError) return undefined;
      throw error;
    }
  };

  switch (event.type) {
    case Events.MessageReceived.type: {
      const e = decode(Events.MessageReceived);
      const at = time('received_at', e.receivedAt);
      const channel = CHANNELS[e.channel];
      if (!channel) throw malformed(`unknown channel ${e.channel}`);
      const interactionId = e.interactionId || null;
      // Only a subject that still says something (text or token) keys a case.
      const normalized = e.subject ? normalizeSubject(e.subject) : undefined;
      const subject = normalized && (normalized.text || normalized.referenceToken) ? normalized : undefined;
      return {
        at,
        identity: e.senderIdentity ? identity(() => parseSenderIdentity(e.senderIdentity, channel, defaultRegion)) : undefined,
        fact: interactionId ? { kind: 'message', interactionId, at: at.getTime(), channel, direction: 'inbound', ...(subject && { subject }) } : undefined,
        message: {
          messageId: required('message_id', e.messageId),
          interactionId,
          channel,
          direction: 'inbound',
          agentId: null,
          text: e.text,
          attachments: e.attachments.map(attachmentOf),
          sentAt: at,
        },
      };
    }
    case Events.MessageSent.type: {
      const e = decode(Events.MessageSent);
      const at = time('sent_at', e.sentAt);
      const channel = CHANNELS[e.channel];
      if (!channel) throw malformed(`unknown channel ${e.channel}`);
      const interactionId = e.interactionId || null;
      return {
        at,
        fact: interactionId ? { kind: 'message', interactionId, at: at.getTime(), channel, direction: 'outbound' } : undefined,
        message: {
          messageId: required('message_id', e.messageId),
          interactionId,
          channel,
          direction: 'outbound',
          agentId: e.agentId || null,
          text: e.text,
          attachments: e.attachments.map(attachmentOf),
          sentAt: at,
        },
      };
    }
    case Events.InteractionRequested.type: {
      const e = decode(Events.InteractionRequested);
      const at = time('requested_at', e.requestedAt);
      const channel = CHANNELS[e.channel];
      return {
        at,
        identity: e.customerIdentity ? identity(() => parseSenderIdentity(e.customerIdentity, channel, defaultRegion)) : undefined,
        fact: { kind: 'requested', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), channel, direction: DIRECTIONS[e.direction], queueId: e.queueId || undefined },
      };
    }
    case Events.InteractionQueued.type: {
      const e = decode(Events.InteractionQueued);
      const at = time('queued_at', e.queuedAt);
      return { at, fact: { kind: 'queued', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), queueId: required('queue_id', e.queueId), channel: CHANNELS[e.channel] } };
    }
    case Events.InteractionOffered.type: {
      const e = decode(Events.InteractionOffered);
      const at = time('offered_at', e.offeredAt);
      return {
        at,
        fact: { kind: 'offered', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), offerId: required('offer_id', e.offerId), queueId: e.queueId, agentId: required('agent_id', e.agentId) },
      };
    }
    case Events.InteractionOfferEnded.type: {
      const e = decode(Events.InteractionOfferEnded);
      const at = time('ended_at', e.endedAt);
      return {
        at,
        fact: {
          kind: 'offer-ended',
          interactionId: required('interaction_id', e.interactionId),
          at: at.getTime(),
          offerId: required('offer_id', e.offerId),
          queueId: e.queueId,
          agentId: required('agent_id', e.agentId),
          reason: e.reason,
        },
      };
    }
    case Events.InteractionWithdrawn.type: {
      const e = decode(Events.InteractionWithdrawn);
      const at = time('withdrawn_at', e.withdrawnAt);
      return { at, fact: { kind: 'withdrawn', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), reason: e.reason } };
    }
    case Events.InteractionAssigned.type: {
      const e = decode(Events.InteractionAssigned);
      const at = time('assigned_at', e.assignedAt);
      return { at, fact: { kind: 'assigned', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), queueId: e.queueId, agentId: required('agent_id', e.agentId) } };
    }
    case Events.InteractionCompleted.type: {
      const e = decode(Events.InteractionCompleted);
      const at = time('completed_at', e.completedAt);
      return { at, fact: { kind: 'completed', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), agentId: required('agent_id', e.agentId) } };
    }
    case Events.InteractionAbandoned.type: {
      const e = decode(Events.InteractionAbandoned);
      const at = time('abandoned_at', e.abandonedAt);
      return { at, fact: { kind: 'abandoned', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), queueId: e.queueId } };
    }
    case Events.InteractionRejected.type: {
      const e = decode(Events.InteractionRejected);
      const at = time('rejected_at', e.rejectedAt);
      return { at, fact: { kind: 'rejected', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), queueId: e.queueId, reason: e.reason } };
    }
    case Events.InteractionTransferred.type: {
      const e = decode(Events.InteractionTransferred);
      const at = time('transferred_at', e.transferredAt);
      if (!e.toQueueId && !e.toAgentId) throw malformed('to_queue_id and to_agent_id are both missing');
      return {
        at,
        fact: {
          kind: 'transferred',
          interactionId: required('interaction_id', e.interactionId),
          at: at.getTime(),
          fromAgentId: required('from_agent_id', e.fromAgentId),
          fromQueueId: e.fromQueueId,
          toQueueId: e.toQueueId,
          toAgentId: e.toAgentId || undefined,
        },
      };
    }
    case Events.InteractionWrappedUp.type: {
      const e = decode(Events.InteractionWrappedUp);
      const at = time('wrapped_up_at', e.wrappedUpAt);
      return {
        at,
        fact: {
          kind: 'wrapped-up',
          interactionId: required('interaction_id', e.interactionId),
          at: at.getTime(),
          agentId: required('agent_id', e.agentId),
          queueId: e.queueId,
          disposition: e.disposition,
          notes: e.notes,
          timedOut: e.timedOut,
          handleTimeMs: Number(e.handleTimeMs),
        },
      };
    }
    case Events.RecordingAvailable.type: {
      const e = decode(Events.RecordingAvailable);
      const at = time('available_at', e.availableAt);
      return {
        at,
        fact: {
          kind: 'recording',
          interactionId: required('interaction_id', e.interactionId),
          at: at.getTime(),
          recordingId: required('recording_id', e.recordingId),
          uri: required('uri', e.uri),
          durationMs: Number(e.durationMs),
        },
      };
    }
    case Events.SurveyCompleted.type: {
      const e = decode(Events.SurveyCompleted);
      const at = time('completed_at', e.completedAt);
      return {
        at,
        fact: { kind: 'survey', interactionId: required('interaction_id', e.interactionId), at: at.getTime(), surveyId: required('survey_id', e.surveyId), csat: e.csat, nps: e.nps, ces: e.ces },
      };
    }
    case Events.CallStarted.type: {
      const e = decode(Events.CallStarted);
      const at = time('started_at', e.startedAt);
      // The caller's number names the customer of an inbound call; anonymous callers stay unknown.
      return {
        at,
        identity: e.fromNumber ? identity(() => normalizeIdentity('phone', e.fromNumber, defaultRegion)) : undefined,
        fact: e.interactionId ? { kind: 'call-started', interactionId: e.interactionId, at: at.getTime(), callId: required('call_id', e.callId) } : undefined,
      };
    }
    case Events.CallEnded.type: {
      const e = decode(Events.CallEnded);
      const at = time('ended_at', e.endedAt);
      return e.interactionId ? { at, fact: { kind: 'call-ended', interactionId: e.interactionId, at: at.getTime(), callId: required('call_id', e.callId) } } : undefined;
    }
    default:
      return undefined;
  }
}
