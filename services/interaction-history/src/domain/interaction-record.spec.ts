import fc from 'fast-check';
import {
  agentSegments,
  applyInteractionFact,
  emptyInteractionRecord,
  finalSurvey,
  finalWrapUp,
  type InteractionFact,
  interactionEndedAt,
  interactionOutcome,
  offerViews,
  storedInteractionRecord,
  withoutPersonalData,
} from './interaction-record';

const T = 1_736_150_400_000;
const wrapUp = { kind: 'wrapped-up', interactionId: 'i', timedOut: false } as const;
const facts: InteractionFact[] = [
  { interactionId: 'i', kind: 'requested', at: T, channel: 'chat', direction: 'inbound', queueId: 'sales', customerId: 'c-2' },
  { interactionId: 'i', kind: 'message', at: T + 1, channel: 'chat', direction: 'inbound', customerId: 'c-1', subject: { text: 'refund' } },
  { interactionId: 'i', kind: 'message', at: T + 2, channel: 'chat', direction: 'inbound', subject: { text: 'refund please', referenceToken: 'R-1' } },
  { interactionId: 'i', kind: 'offered', at: T + 3, offerId: 'o-1', queueId: 'sales', agentId: 'a-3' },
  { interactionId: 'i', kind: 'offer-ended', at: T + 8, offerId: 'o-1', queueId: 'sales', agentId: 'a-3', reason: 'timed-out' },
  { interactionId: 'i', kind: 'offer-ended', at: T + 8, offerId: 'o-1', queueId: 'sales', agentId: 'a-3', reason: 'rejected' },
  { interactionId: 'i', kind: 'offered', at: T + 9, offerId: 'o-2', queueId: 'sales', agentId: 'a-1' },
  { interactionId: 'i', kind: 'offer-ended', at: T + 29, offerId: 'o-3', queueId: 'billing', agentId: 'a-4', reason: 'withdrawn' },
  { interactionId: 'i', kind: 'withdrawn', at: T + 950, reason: 'chat-closed' },
  { interactionId: 'i', kind: 'withdrawn', at: T + 960, reason: 'late-duplicate' },
  { interactionId: 'i', kind: 'queued', at: T + 2, queueId: 'sales', channel: 'chat' },
  { interactionId: 'i', kind: 'assigned', at: T + 10, queueId: 'sales', agentId: 'a-1' },
  { interactionId: 'i', kind: 'transferred', at: T + 20, fromAgentId: 'a-1', fromQueueId: 'sales', toQueueId: 'billing' },
  { interactionId: 'i', kind: 'queued', at: T + 20, queueId: 'billing' },
  { ...wrapUp, at: T + 25, agentId: 'a-1', queueId: 'sales', disposition: 'transferred-billing', notes: 'wants a refund', handleTimeMs: 15 },
  { interactionId: 'i', kind: 'assigned', at: T + 30, queueId: 'billing', agentId: 'a-2' },
  { interactionId: 'i', kind: 'message', at: T + 40, channel: 'chat', direction: 'outbound' },
  { interactionId: 'i', kind: 'completed', at: T + 90, agentId: 'a-2' },
  { ...wrapUp, at: T + 120, agentId: 'a-2', queueId: 'billing', disposition: 'refund-issued', notes: 'refunded 20 EUR', handleTimeMs: 90 },
  { interactionId: 'i', kind: 'recording', at: T + 95, recordingId: 'r-1', uri: 'recordings/r-1', durationMs: 80 },
  { interactionId: 'i', kind: 'survey', at: T + 500, surveyId: 's-1', csat: 4 },
  { interactionId: 'i', kind: 'survey', at: T + 900, surveyId: 's-2', csat: 5, nps: 9 },
];
const fold = (list: readonly InteractionFact[]) => list.reduce(applyInteractionFact, emptyInteractionRecord('i'));
const queued = { interactionId: 'i', kind: 'queued', at: T, queueId: 'q', channel: 'voice' } as const;
const assigned = { interactionId: 'i', kind: 'assigned', at: T + 10, queueId: 'q', agentId: 'a-1' } as const;

describe(applyInteractionFact.name, () => {
  it('builds the record of a transferred, wrapped-up, recorded and surveyed chat', () => {
    const sut = fold(facts);

    expect(sut).toMatchObject({ customer: { value: 'c-2' }, channel: { value: 'chat' }, direction: { value: 'inbound' }, queue: { value: 'billing' }, firstAt: T, lastAt: T + 960, queuedAt: T + 2 });
    expect(sut).toMatchObject({ subject: { value: 'refund', at: T + 1 }, referenceToken: { value: 'R-1', at: T + 2 }, withdrawn: { value: 'chat-closed', at: T + 950 } });
    expect(offerViews(sut)).toEqual([
      { offerId: 'o-1', agentId: 'a-3', queueId: 'sales', offeredAt: T + 3, endedAt: T + 8, endReason: 'rejected' },
      { offerId: 'o-2', agentId: 'a-1', queueId: 'sales', offeredAt: T + 9 },
      { offerId: 'o-3', agentId: 'a-4', queueId: 'billing', endedAt: T + 29, endReason: 'withdrawn' },
    ]);
    expect(agentSegments(sut)).toEqual([
      {
        agentId: 'a-1',
        queueId: 'sales',
        assignedAt: T + 10,
        completedAt: undefined,
        transferredAt: T + 20,
        wrapUp: { agentId: 'a-1', queueId: 'sales', disposition: 'transferred-billing', notes: 'wants a refund', timedOut: false, handleTimeMs: 15, at: T + 25 },
      },
      {
        agentId: 'a-2',
        queueId: 'billing',
        assignedAt: T + 30,
        completedAt: T + 90,
        wrapUp: { agentId: 'a-2', queueId: 'billing', disposition: 'refund-issued', notes: 'refunded 20 EUR', timedOut: false, handleTimeMs: 90, at: T + 120 },
      },
    ]);
    expect(sut.transfers).toEqual([{ fromAgentId: 'a-1', fromQueueId: 'sales', toQueueId: 'billing', at: T + 20 }]);
    expect(finalWrapUp(sut)).toMatchObject({ disposition: 'refund-issued', notes: 'refunded 20 EUR' });
    expect(sut.recordings).toEqual([{ recordingId: 'r-1', uri: 'recordings/r-1', durationMs: 80, at: T + 95 }]);
    expect(finalSurvey(sut)).toEqual({ surveyId: 's-2', csat: 5, nps: 9, at: T + 900 });
    expect(interactionOutcome(sut)).toBe('completed');
    expect(interactionEndedAt(sut)).toBe(T + 90);
  });

  it('gives the same record whatever the order and however often facts repeat', () => {
    const expected = fold(facts);
    fc.assert(
      fc.property(fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }), fc.array(fc.nat(facts.length - 1), { maxLength: 5 }), (shuffled, repeats) => {
        expect(fold([...shuffled, ...repeats.map((i) => facts[i])])).toEqual(expected);
      }),
    );
  });

  it('gives the same record when folding resumes from a stored (JSON) record', () => {
    const expected = fold(facts);
    fc.assert(
      fc.property(fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }), fc.nat(facts.length), (shuffled, cut) => {
        const stored = storedInteractionRecord(JSON.parse(JSON.stringify(fold(shuffled.slice(0, cut)))));
        expect(shuffled.slice(cut).reduce(applyInteractionFact, stored)).toEqual(expected);
      }),
    );
  });

  it('settles two different wrap-ups of one time by content, not arrival', () => {
    const a: InteractionFact = { ...wrapUp, at: T, agentId: 'a-1', queueId: 'q', disposition: 'sale', notes: '', handleTimeMs: 1 };
    const b: InteractionFact = { ...a, disposition: 'no-sale' };

    expect(fold([a, b])).toEqual(fold([b, a]));
    expect(finalWrapUp(fold([b, a]))?.disposition).toBe('sale');
  });

  it('reads records stored before transfers, wrap-ups, recordings, surveys and offers were kept', () => {
    const old = { interactionId: 'i', assignments: [], completions: [] } as unknown as Parameters<typeof storedInteractionRecord>[0];

    expect(storedInteractionRecord(old)).toEqual(emptyInteractionRecord('i'));
  });
});

describe(interactionOutcome.name, () => {
  it('calls an unanswered contact that left the queue abandoned', () => {
    expect(interactionOutcome(fold([queued, { interactionId: 'i', kind: 'abandoned', at: T + 40, queueId: 'q' }]))).toBe('abandoned');
    expect(interactionOutcome(emptyInteractionRecord('i'))).toBe('open');
  });

  it('calls an unanswered contact the channel withdrew abandoned, even before routing says so', () => {
    const sut = fold([queued, { interactionId: 'i', kind: 'withdrawn', at: T + 40, reason: 'caller-hung-up' }]);

    expect(interactionOutcome(sut)).toBe('abandoned');
    expect(sut.withdrawn).toEqual({ value: 'caller-hung-up', at: T + 40 });
    expect(interactionOutcome(fold([queued, assigned, { interactionId: 'i', kind: 'withdrawn', at: T + 40, reason: 'late' }]))).toBe('open');
  });

  it('calls a contact routing refused rejected, with the reason', () => {
    const sut = fold([{ interactionId: 'i', kind: 'rejected', at: T, queueId: 'q', reason: 'QUEUE_FULL: 50 waiting' }]);

    expect(interactionOutcome(sut)).toBe('rejected');
    expect(sut.rejected?.value).toBe('QUEUE_FULL: 50 waiting');
    expect(interactionEndedAt(sut)).toBe(T);
  });

  it('keeps a transferred contact open until its next agent, abandoned when the customer leaves meanwhile', () => {
    const transferred = { interactionId: 'i', kind: 'transferred', at: T + 20, fromAgentId: 'a-1', fromQueueId: 'q', toQueueId: 'q2' } as const;
    const firstWrapUp = { ...wrapUp, at: T + 25, agentId: 'a-1', queueId: 'q', disposition: 'moved', notes: '', handleTimeMs: 15 } as const;

    expect(interactionOutcome(fold([queued, assigned, transferred, firstWrapUp]))).toBe('open');
    expect(interactionOutcome(fold([queued, assigned, transferred, { interactionId: 'i', kind: 'abandoned', at: T + 60, queueId: 'q2' }]))).toBe('abandoned');
    expect(interactionOutcome(fold([queued, assigned, transferred, { ...assigned, at: T + 30, agentId: 'a-2' }, { interactionId: 'i', kind: 'completed', at: T + 50, agentId: 'a-2' }]))).toBe(
      'completed',
    );
  });

  it('calls a contact completed once wrapped up, even when the completion is missing', () => {
    expect(interactionOutcome(fold([queued, assigned, { ...wrapUp, at: T + 60, agentId: 'a-1', queueId: 'q', disposition: '', notes: '', handleTimeMs: 50 }]))).toBe('completed');
  });
});

describe(withoutPersonalData.name, () => {
  it('drops wrap-up notes and the subject, keeps dispositions', () => {
    const sut = withoutPersonalData(fold(facts));

    expect(sut.subject).toBeUndefined();
    expect(sut.wrapUps.map((w) => [w.disposition, w.notes])).toEqual([
      ['transferred-billing', ''],
      ['refund-issued', ''],
    ]);
  });
});
