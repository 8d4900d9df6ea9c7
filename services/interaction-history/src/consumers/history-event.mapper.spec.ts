import { commonV1, type EventDefinition, Events, toTimestamp } from '@contactcenter/contracts';
import type { EventRecord } from '@contactcenter/messaging';
import { historyItemOf } from './history-event.mapper';
import { MalformedEventError } from './malformed-event.error';

const T = Date.UTC(2025, 0, 6, 9, 0, 0);
const tenantId = 'tenant-a';
const event = <T>(definition: EventDefinition<T>, payload: T): EventRecord => ({
  id: 'e-1',
  type: definition.type,
  topic: definition.topic,
  key: 'ws',
  time: new Date(T),
  workspaceId: 'ws',
  tenantId,
  payload: definition.codec.encode(payload).finish(),
});
const at = toTimestamp(new Date(T));

describe(historyItemOf.name, () => {
  it('reads a wrap-up: disposition, notes, timeout and handle time', () => {
    const sut = historyItemOf(
      event(Events.InteractionWrappedUp, { interactionId: 'i', tenantId, queueId: 'q', agentId: 'a', disposition: 'sale', notes: 'upsold', timedOut: true, handleTimeMs: 90_000, wrappedUpAt: at }),
    );

    expect(sut?.fact).toEqual({ kind: 'wrapped-up', interactionId: 'i', at: T, agentId: 'a', queueId: 'q', disposition: 'sale', notes: 'upsold', timedOut: true, handleTimeMs: 90_000 });
  });

  it('reads transfers, rejections, recordings and surveys', () => {
    const transfer = historyItemOf(event(Events.InteractionTransferred, { interactionId: 'i', tenantId, fromQueueId: 'q', fromAgentId: 'a', toQueueId: 'q2', toAgentId: '', transferredAt: at }));
    const rejection = historyItemOf(event(Events.InteractionRejected, { interactionId: 'i', tenantId, queueId: 'q', reason: 'QUEUE_FULL: 50 waiting', rejectedAt: at }));
    const recording = historyItemOf(event(Events.RecordingAvailable, { recordingId: 'r', tenantId, interactionId: 'i', uri: 'recordings/r', durationMs: 1_000, availableAt: at }));
    const survey = historyItemOf(event(Events.SurveyCompleted, { surveyId: 's', tenantId, interactionId: 'i', csat: 4, completedAt: at }));

    expect(transfer?.fact).toEqual({ kind: 'transferred', interactionId: 'i', at: T, fromAgentId: 'a', fromQueueId: 'q', toQueueId: 'q2', toAgentId: undefined });
    expect(rejection?.fact).toEqual({ kind: 'rejected', interactionId: 'i', at: T, queueId: 'q', reason: 'QUEUE_FULL: 50 waiting' });
    expect(recording?.fact).toEqual({ kind: 'recording', interactionId: 'i', at: T, recordingId: 'r', uri: 'recordings/r', durationMs: 1_000 });
    expect(survey?.fact).toEqual({ kind: 'survey', interactionId: 'i', at: T, surveyId: 's', csat: 4, nps: undefined, ces: undefined });
  });

  it('reads offers, their ends, withdrawals and an e-mail subject', () => {
    const offered = historyItemOf(event(Events.InteractionOffered, { interactionId: 'i', tenantId, queueId: 'q', agentId: 'a', offerId: 'o', offeredAt: at, expiresAt: at }));
    const ended = historyItemOf(event(Events.InteractionOfferEnded, { interactionId: 'i', tenantId, queueId: 'q', agentId: 'a', offerId: 'o', reason: 'timed-out', endedAt: at }));
    const withdrawn = historyItemOf(event(Events.InteractionWithdrawn, { interactionId: 'i', tenantId, workspaceId: 'ws', reason: 'caller-hung-up', withdrawnAt: at }));
    const mail = (subject?: string) =>
      historyItemOf(
        event(Events.MessageReceived, {
          messageId: 'm',
          tenantId,
          channelAccountId: 'acct',
          channel: commonV1.Channel.CHANNEL_EMAIL,
          providerMessageId: '',
          conversationKey: '',
          senderIdentity: 'olena@example.ua',
          text: 'hi',
          attachments: [],
          interactionId: 'i',
          receivedAt: at,
          subject,
        }),
      )?.fact;

    expect(offered?.fact).toEqual({ kind: 'offered', interactionId: 'i', at: T, offerId: 'o', queueId: 'q', agentId: 'a' });
    expect(ended?.fact).toEqual({ kind: 'offer-ended', interactionId: 'i', at: T, offerId: 'o', queueId: 'q', agentId: 'a', reason: 'timed-out' });
    expect(withdrawn?.fact).toEqual({ kind: 'withdrawn', interactionId: 'i', at: T, reason: 'caller-hung-up' });
    expect(mail('Re: [#K-7] Invoice')).toMatchObject({ kind: 'message', subject: { text: 'invoice', referenceToken: 'K-7' } });
    expect(mail('Re: ')).not.toHaveProperty('subject');
    expect(mail()).not.toHaveProperty('subject');
  });

  it('refuses a wrap-up without an interaction or time, and a transfer going nowhere', () => {
    const wrapUp = { interactionId: 'i', tenantId, queueId: 'q', agentId: 'a', disposition: '', notes: '', timedOut: false, handleTimeMs: 0, wrappedUpAt: at };

    expect(() => historyItemOf(event(Events.InteractionWrappedUp, { ...wrapUp, interactionId: '' }))).toThrow(MalformedEventError);
    expect(() => historyItemOf(event(Events.InteractionWrappedUp, { ...wrapUp, wrappedUpAt: undefined }))).toThrow(/wrapped_up_at is missing/);
    expect(() =>
      historyItemOf(event(Events.InteractionTransferred, { interactionId: 'i', tenantId, fromQueueId: 'q', fromAgentId: 'a', toQueueId: '', toAgentId: '', transferredAt: at })),
    ).toThrow(/to_queue_id and to_agent_id/);
  });
});
