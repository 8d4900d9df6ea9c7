import type { NormalizedSubject } from './interaction-record';

// Reply and forward markers of common mail clients and languages (Re, Fwd, AW/WG German, SV/VS
// Nordic, Antw Dutch, RIF/R Italian, TR/RV/ENC Spanish and Portuguese, Odp Polish, Vá Vietnamese,
// 回复/转发 Chinese, ..), optionally counted ("Re[2]:", "Re(3):"); full-width colons too.
const PREFIX = /^\s*(?:re|fw|fwd|aw|wg|sv|vs|antw|doorst|rif|r|tr|rv|enc|res|odp|pd|vá|ynt|ilt|回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/iu;
// "[#TOKEN]": the reference a reply keeps so it lands in the issue it answers.
const TOKEN = /\[#([A-Za-z0-9][A-Za-z0-9._-]{0,63})\]/gu;

/**
 * Reduces an e-mail subject to what names its issue: reply/forward prefixes (repeated, in any
 * order with tokens) and `[#TOKEN]` reference tokens removed, spaces collapsed, case folded; the
 * first token kept apart (upper-cased: tokens are matched case-insensitively).
 */
export function normalizeSubject(subject: string): NormalizedSubject {
  const tokens = [...subject.matchAll(TOKEN)].map((match) => match[1].toUpperCase());
  let text = subject.normalize('NFKC').replace(TOKEN, ' ');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(PREFIX, '');
  }
  text = text.replace(/\s+/gu, ' ').trim().toLocaleLowerCase('und');
  return { text, ...(tokens.length > 0 && { referenceToken: tokens[0] }) };
}

/** What the case rule compares of one interaction. */
export interface CaseCandidate {
  readonly customerId: string;
  readonly startedAt: number;
  readonly queueId?: string;
  readonly subject?: string;
  readonly referenceToken?: string;
}

/**
 * The automatic case rule: the same customer, starting within the window of each other, and
 * about the same issue. When both carry a reference token the tokens decide (the customer or
 * agent named the issue explicitly, so a different token is a different issue even in the same
 * queue); otherwise the same normalised non-empty subject or the same queue.
 */
export function belongToSameCase(a: CaseCandidate, b: CaseCandidate, windowMs: number): boolean {
  if (a.customerId !== b.customerId || Math.abs(a.startedAt - b.startedAt) > windowMs) return false;
  if (a.referenceToken && b.referenceToken) return a.referenceToken === b.referenceToken;
  if (a.subject && a.subject === b.subject) return true;
  return !!a.queueId && a.queueId === b.queueId;
}

/**
 * Of interactions already filed under open cases, the case a new one joins: the nearest in time
 * that matches, then the smallest case id, so the choice does not depend on row order.
 */
export function chooseCase<T extends CaseCandidate & { readonly caseId: string }>(candidate: CaseCandidate, filed: readonly T[], windowMs: number): string | undefined {
  let best: T | undefined;
  for (const other of filed) {
    if (!belongToSameCase(candidate, other, windowMs)) continue;
    const distance = Math.abs(other.startedAt - candidate.startedAt);
    const bestDistance = best ? Math.abs(best.startedAt - candidate.startedAt) : Infinity;
    if (distance < bestDistance || (distance === bestDistance && other.caseId < best!.caseId)) best = other;
  }
  return best?.caseId;
}
