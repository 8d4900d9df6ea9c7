import { HistoryConflictError, HistoryNotFoundError, InvalidHistoryRequestError } from './history.errors';

/** A customer row as a merge sees it. */
export interface MergeCandidate {
  readonly customerId: string;
  readonly displayName: string | null;
  readonly mergedInto: string | null;
  readonly erased: boolean;
}

export type MergePlan =
  | { readonly kind: 'merge'; readonly sourceId: string; readonly targetId: string; readonly displayName: string | null }
  /** Already done (a retried request): nothing moves, no second audit row or event. */
  | { readonly kind: 'already-merged'; readonly targetId: string };

/**
 * Decides a merge of source into target. Both must be live customers of the tenant; the target
 * keeps its name, or takes the source's when it has none. Merging twice is a no-op.
 */
export function planMerge(sourceId: string, targetId: string, source: MergeCandidate | undefined, target: MergeCandidate | undefined): MergePlan {
  if (sourceId === targetId) throw new InvalidHistoryRequestError('merge-same-customer', 'source and target are the same customer');
  if (!source || source.erased) throw new HistoryNotFoundError('customer', sourceId);
  if (!target || target.erased) throw new HistoryNotFoundError('customer', targetId);
  if (target.mergedInto) throw new HistoryConflictError('target-merged', `customer ${targetId} was merged into another; merge into that one`);
  if (source.mergedInto === targetId) return { kind: 'already-merged', targetId };
  if (source.mergedInto) throw new HistoryConflictError('source-merged', `customer ${sourceId} was already merged into another customer`);
  return { kind: 'merge', sourceId, targetId, displayName: target.displayName ?? source.displayName };
}
