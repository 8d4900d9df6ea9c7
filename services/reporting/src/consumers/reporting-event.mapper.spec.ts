import { agentV1, callV1, commonV1, type EventDefinition, Events, toTimestamp } from '@contactcenter/contracts';
import type { EventRecord } from '@contactcenter/messaging';
import { MalformedEventError } from './malformed-event.error';
import { reportingFactOf } from './reporting-event.mapper';

const AT = new Date(Date.UTC(2025, 0, 6, 9, 14, 50));
const ID = '00000000-0000-4000-8000-000000000001';

function record<T>(definition: EventDefinition<T>, payload: T, tenantId = 'northwind'): EventRecord {
  return {
    id: ID,
    type: definition.type,
    topic: definition.topic,
    key: 'globalbpo',
    time: AT,
    workspaceId: 'globalbpo',
    tenantId,
    payload: definition.codec.encode(payload).finish(),
  };
}

describe(reportingFactOf.name, () => {
  it('maps InteractionQueued to a queued fact with the domain channel', () => {
    const event = record(Events.InteractionQueued, { interactionId: 'i-1', tenantId: 'northwind', queueId: 'billing', channel: commonV1.Channel.CHANNEL_CHAT, queuedAt: toTimestamp(AT) });

    expect(reportingFactOf(event)).toEqual({ kind: 'queued', interactionId: 'i-1', queueId: 'billing', channel: 'chat', at: AT.getTime() });
  });

  it('maps InteractionAssigned to an answer carrying its queue time', () => {
    const event = record(Events.InteractionAssigned, { interactionId: 'i-1', tenantId: 'northwind', queueId: 'billing', agentId: 'a-1', assignedAt: toTimestamp(AT), queueTimeMs: 12_000 });

    expect(reportingFactOf(event)).toEqual({ kind: 'answered', interactionId: 'i-1', queueId: 'billing', agentId: 'a-1', at: AT.getTime(), queueTimeMs: 12_000 });
  });

  it('maps agent state changes and log-outs to timeline changes ordered by event id', () => {
    const changed = record(Events.AgentStateChanged, {
      agentId: 'a-1',
      workspaceId: 'globalbpo',
      previousState: agentV1.AgentState.AGENT_STATE_AVAILABLE,
      state: agentV1.AgentState.AGENT_STATE_AFTER_CONTACT_WORK,
      reasonCode: '',
      changedAt: toTimestamp(AT),
    });
    const loggedOut = record(Events.AgentLoggedOut, { agentId: 'a-1', workspaceId: 'globalbpo', loggedOutAt: toTimestamp(AT) });

    expect(reportingFactOf(changed)).toEqual({ kind: 'agent-state', agentId: 'a-1', activity: 'after-contact-work', at: AT.getTime(), reason: '', eventId: ID });
    expect(reportingFactOf(loggedOut)).toMatchObject({ kind: 'agent-state', activity: 'offline' });
  });

  it('maps completion with hold, wrap-up, transfer, the customer link and survey answers', () => {
    const completed = record(Events.InteractionCompleted, { interactionId: 'i-1', tenantId: 'northwind', agentId: 'a-1', completedAt: toTimestamp(AT), holdMs: 30_000 });
    const wrapped = record(Events.InteractionWrappedUp, { interactionId: 'i-1', tenantId: 'northwind', queueId: 'q', agentId: 'a-1', disposition: '', notes: '', timedOut: false, handleTimeMs: 0, wrappedUpAt: toTimestamp(AT) });
    const transferred = record(Events.InteractionTransferred, { interactionId: 'i-1', tenantId: 'northwind', fromQueueId: 'q', fromAgentId: 'a-1', toQueueId: 'r', toAgentId: '', transferredAt: toTimestamp(AT) });
    const linked = record(Events.InteractionCustomerLinked, { interactionId: 'i-1', tenantId: 'northwind', customerId: 'c-1', caseId: '', linkedAt: toTimestamp(AT) });
    const survey = record(Events.SurveyCompleted, { surveyId: 's-1', tenantId: 'northwind', interactionId: 'i-1', csat: 4, nps: 0, completedAt: toTimestamp(AT) });
    const offScale = record(Events.SurveyCompleted, { surveyId: 's-2', tenantId: 'northwind', interactionId: 'i-1', ces: 8, completedAt: toTimestamp(AT) });

    expect(reportingFactOf(completed)).toEqual({ kind: 'completed', interactionId: 'i-1', agentId: 'a-1', at: AT.getTime(), holdMs: 30_000 });
    expect(reportingFactOf(wrapped)).toEqual({ kind: 'wrapped-up', interactionId: 'i-1', agentId: 'a-1', at: AT.getTime() });
    expect(reportingFactOf(transferred)).toEqual({ kind: 'transferred', interactionId: 'i-1', agentId: 'a-1', at: AT.getTime() });
    expect(reportingFactOf(linked)).toEqual({ kind: 'customer-linked', interactionId: 'i-1', customerId: 'c-1', at: AT.getTime() });
    expect(reportingFactOf(survey)).toEqual({ kind: 'survey', interactionId: 'i-1', surveyId: 's-1', scores: { csat: 4, nps: 0 } });
    expect(() => reportingFactOf(offScale)).toThrow(/ces 8 is outside 1-7/);
  });

  it('leaves the hold to the call events when the completion states none, and maps them', () => {
    const completed = record(Events.InteractionCompleted, { interactionId: 'i-1', tenantId: 'northwind', agentId: 'a-1', completedAt: toTimestamp(AT) });
    const held = record(Events.CallHeld, { callId: 'call-1', tenantId: 'northwind', interactionId: 'i-1', heldAt: toTimestamp(AT) });
    const resumed = record(Events.CallResumed, { callId: 'call-1', tenantId: 'northwind', interactionId: 'i-1', resumedAt: toTimestamp(AT) });
    const ended = record(Events.CallEnded, { callId: 'call-1', tenantId: 'northwind', interactionId: 'i-1', endedBy: callV1.CallEndedBy.CALL_ENDED_BY_CUSTOMER, reason: '', endedAt: toTimestamp(AT) });
    const inIvr = record(Events.CallHeld, { callId: 'call-2', tenantId: 'northwind', interactionId: '', heldAt: toTimestamp(AT) });
    const noTime = record(Events.CallResumed, { callId: 'call-1', tenantId: 'northwind', interactionId: 'i-1', resumedAt: undefined });

    expect(reportingFactOf(completed)).toEqual({ kind: 'completed', interactionId: 'i-1', agentId: 'a-1', at: AT.getTime() });
    expect(reportingFactOf(held)).toEqual({ kind: 'call-held', interactionId: 'i-1', callId: 'call-1', at: AT.getTime() });
    expect(reportingFactOf(resumed)).toEqual({ kind: 'call-resumed', interactionId: 'i-1', callId: 'call-1', at: AT.getTime() });
    expect(reportingFactOf(ended)).toEqual({ kind: 'call-ended', interactionId: 'i-1', callId: 'call-1', at: AT.getTime() });
    expect(reportingFactOf(inIvr)).toBeUndefined();
    expect(() => reportingFactOf(noTime)).toThrow(/resumed_at is missing/);
  });

  it('counts only a message of an agent as a first response', () => {
    const automated = record(Events.MessageSent, { messageId: 'm', tenantId: 'northwind', channelAccountId: 'c', channel: commonV1.Channel.CHANNEL_CHAT, interactionId: 'i-1', agentId: '', text: 'hi', attachments: [], sentAt: toTimestamp(AT) });

    expect(reportingFactOf(automated)).toBeUndefined();
  });

  it('skips events that tell reporting nothing', () => {
    const offered = record(Events.InteractionOffered, { interactionId: 'i-1', tenantId: 'northwind', queueId: 'q', agentId: 'a', offerId: 'o', offeredAt: toTimestamp(AT), expiresAt: toTimestamp(AT) });
    const unlinkedMessage = record(Events.MessageSent, { messageId: 'm', tenantId: 'northwind', channelAccountId: 'c', channel: commonV1.Channel.CHANNEL_CHAT, interactionId: '', agentId: 'a', text: 'hi', attachments: [], sentAt: toTimestamp(AT) });

    expect(reportingFactOf(offered)).toBeUndefined();
    expect(reportingFactOf(unlinkedMessage)).toBeUndefined();
  });

  it('refuses a payload naming another tenant than its header', () => {
    const event = record(Events.InteractionCompleted, { interactionId: 'i-1', tenantId: 'contoso', agentId: 'a-1', completedAt: toTimestamp(AT) });

    expect(() => reportingFactOf(event)).toThrow(MalformedEventError);
  });

  it('refuses a queued contact without channel or time', () => {
    const noChannel = record(Events.InteractionQueued, { interactionId: 'i-1', tenantId: 'northwind', queueId: 'q', channel: commonV1.Channel.CHANNEL_UNSPECIFIED, queuedAt: toTimestamp(AT) });
    const noTime = record(Events.InteractionQueued, { interactionId: 'i-1', tenantId: 'northwind', queueId: 'q', channel: commonV1.Channel.CHANNEL_VOICE, queuedAt: undefined });

    expect(() => reportingFactOf(noChannel)).toThrow(/unknown channel/);
    expect(() => reportingFactOf(noTime)).toThrow(/queued_at is missing/);
  });
});
