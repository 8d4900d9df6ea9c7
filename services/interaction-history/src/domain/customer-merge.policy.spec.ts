import { HistoryConflictError, HistoryNotFoundError, InvalidHistoryRequestError } from './history.errors';
import { type MergeCandidate, planMerge } from './customer-merge.policy';

const live = (customerId: string, displayName: string | null = null): MergeCandidate => ({ customerId, displayName, mergedInto: null, erased: false });

describe(planMerge.name, () => {
  it('merges two live customers, keeping the target name or taking the source name', () => {
    expect(planMerge('s', 't', live('s', 'Somchai'), live('t', 'Somchai J.'))).toEqual({ kind: 'merge', sourceId: 's', targetId: 't', displayName: 'Somchai J.' });
    expect(planMerge('s', 't', live('s', 'Somchai'), live('t'))).toMatchObject({ displayName: 'Somchai' });
  });

  it('treats a repeated merge as done', () => {
    expect(planMerge('s', 't', { ...live('s'), mergedInto: 't' }, live('t'))).toEqual({ kind: 'already-merged', targetId: 't' });
  });

  it('refuses unknown, erased, merged-away and identical customers', () => {
    expect(() => planMerge('s', 's', live('s'), live('s'))).toThrow(InvalidHistoryRequestError);
    expect(() => planMerge('s', 't', undefined, live('t'))).toThrow(HistoryNotFoundError);
    expect(() => planMerge('s', 't', live('s'), { ...live('t'), erased: true })).toThrow(HistoryNotFoundError);
    expect(() => planMerge('s', 't', live('s'), { ...live('t'), mergedInto: 'x' })).toThrow(HistoryConflictError);
    expect(() => planMerge('s', 't', { ...live('s'), mergedInto: 'x' }, live('t'))).toThrow(/^source-merged/);
  });
});
