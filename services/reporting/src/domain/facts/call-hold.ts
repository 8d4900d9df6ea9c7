/**
 * What the telephony gateway said about one call's hold: every distinct CallHeld and CallResumed
 * time, and the earliest CallEnded. Kept as sorted sets so that any order or repetition of the
 * same events gives the same record.
 */
export interface CallHoldRecord {
  readonly heldAt: readonly number[];
  readonly resumedAt: readonly number[];
  readonly endedAt?: number;
}

export const emptyCallHold: CallHoldRecord = { heldAt: [], resumedAt: [] };

/** `times` with `at` added, sorted and without repeats. */
export function withTime(times: readonly number[], at: number): readonly number[] {
  if (times.includes(at)) return times;
  return [...times, at].sort((a, b) => a - b);
}

export function mergeCallHolds(a: CallHoldRecord, b: CallHoldRecord): CallHoldRecord {
  const union = (x: readonly number[], y: readonly number[]) => [...new Set([...x, ...y])].sort((p, q) => p - q);
  const endedAt = a.endedAt === undefined ? b.endedAt : b.endedAt === undefined ? a.endedAt : Math.min(a.endedAt, b.endedAt);
  return { heldAt: union(a.heldAt, b.heldAt), resumedAt: union(a.resumedAt, b.resumedAt), ...(endedAt === undefined ? {} : { endedAt }) };
}

/**
 * The hold periods of a call: each starts at a CallHeld while the call is not on hold and ends
 * at the next CallResumed, else at the end of the call (a call hung up on hold), else stays open.
 * A repeated CallHeld inside a hold or a CallResumed outside one changes nothing.
 */
export function holdPeriods(call: CallHoldRecord): { readonly from: number; readonly to: number }[] {
  const marks = [...call.heldAt.map((at) => ({ at, held: true })), ...call.resumedAt.map((at) => ({ at, held: false }))]
    // At the same millisecond the hold starts first, so a held/resumed pair is a zero hold.
    .sort((x, y) => x.at - y.at || Number(y.held) - Number(x.held));
  const periods: { from: number; to: number }[] = [];
  let since: number | undefined;
  for (const mark of marks) {
    if (call.endedAt !== undefined && mark.at > call.endedAt) break;
    if (mark.held && since === undefined) since = mark.at;
    else if (!mark.held && since !== undefined) {
      periods.push({ from: since, to: mark.at });
      since = undefined;
    }
  }
  if (since !== undefined) periods.push({ from: since, to: call.endedAt ?? Number.POSITIVE_INFINITY });
  return periods;
}

/** Hold of the interaction's calls that falls within one handling, from its answer to the end of its talk. */
export function holdWithin(calls: Readonly<Record<string, CallHoldRecord>> | undefined, from: number, to: number): number {
  let total = 0;
  for (const callId of Object.keys(calls ?? {})) {
    for (const period of holdPeriods(calls![callId])) total += Math.max(0, Math.min(period.to, to) - Math.max(period.from, from));
  }
  return total;
}
