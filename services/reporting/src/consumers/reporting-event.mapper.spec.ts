import { agentV1, commonV1, type EventDefinition, Events, toTimestamp } from '@contactcenter/contracts';
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

    expect(reportingFactOf(changed)).toEqual({ kind: 'agent-state', agentId: 'a-1', activity: 'after-contact-work', at: AT.getTime(), eventId: ID });
    expect(reportingFactOf(loggedOut)).toMatchObject({ kind: 'agent-state', activity: 'offline' });
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
