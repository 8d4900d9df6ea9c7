import fc from 'fast-check';
import { agentSegments, applyInteractionFact, emptyInteractionRecord, type InteractionFact, interactionEndedAt, interactionOutcome } from './interaction-record';

const T = 1_736_150_400_000;
const facts: InteractionFact[] = [
  { interactionId: 'i', kind: 'requested', at: T, channel: 'chat', direction: 'inbound', queueId: 'sales', customerId: 'c-2' },
  { interactionId: 'i', kind: 'message', at: T + 1, channel: 'chat', direction: 'inbound', customerId: 'c-1' },
  { interactionId: 'i', kind: 'queued', at: T + 2, queueId: 'sales', channel: 'chat' },
  { interactionId: 'i', kind: 'assigned', at: T + 10, queueId: 'sales', agentId: 'a-1' },
  { interactionId: 'i', kind: 'queued', at: T + 20, queueId: 'billing' },
  { interactionId: 'i', kind: 'assigned', at: T + 30, queueId: 'billing', agentId: 'a-2' },
  { interactionId: 'i', kind: 'completed', at: T + 20, agentId: 'a-1' },
  { interactionId: 'i', kind: 'completed', at: T + 90, agentId: 'a-2' },
  { interactionId: 'i', kind: 'message', at: T + 40, channel: 'chat', direction: 'outbound' },
];
const fold = (list: readonly InteractionFact[]) => list.reduce(applyInteractionFact, emptyInteractionRecord('i'));

describe(applyInteractionFact.name, () => {
  it('builds the record of a transferred chat', () => {
    const sut = fold(facts);

    expect(sut).toMatchObject({ customer: { value: 'c-2' }, channel: { value: 'chat' }, direction: { value: 'inbound' }, queue: { value: 'billing' }, firstAt: T, lastAt: T + 90, queuedAt: T + 2 });
    expect(agentSegments(sut)).toEqual([
      { agentId: 'a-1', queueId: 'sales', assignedAt: T + 10, completedAt: T + 20 },
      { agentId: 'a-2', queueId: 'billing', assignedAt: T + 30, completedAt: T + 90 },
    ]);
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

  it('calls an unanswered contact that left the queue abandoned', () => {
    const sut = fold([
      { interactionId: 'i', kind: 'queued', at: T, queueId: 'q', channel: 'voice' },
      { interactionId: 'i', kind: 'abandoned', at: T + 40, queueId: 'q' },
    ]);

    expect(interactionOutcome(sut)).toBe('abandoned');
    expect(interactionOutcome(emptyInteractionRecord('i'))).toBe('open');
  });
});
