/** Resolves when a dependency is usable; rejects (with why) when it is not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  readonly ready: boolean;
  /** `ok` or the reason each check failed. */
  readonly checks: Readonly<Record<string, string>>;
  /** The failing checks, named, with their reasons. */
  readonly failing: readonly { readonly check: string; readonly reason: string }[];
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

/**
 * Runs every readiness check concurrently. A check that hangs counts as failed after
 * `timeoutMs`, so a stuck dependency makes `/readyz` answer 503 instead of never answering.
 */
export async function checkReadiness(
  checks: Readonly<Record<string, ReadinessCheck>>,
  timeoutMs = DEFAULT_READINESS_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const outcomes = await Promise.all(names.map((name) => runCheck(checks[name], timeoutMs)));
  const failing = names
    .map((check, i) => ({ check, reason: outcomes[i] }))
    .filter((entry): entry is { check: string; reason: string } => entry.reason !== undefined);
  return {
    ready: failing.length === 0,
    checks: Object.fromEntries(names.map((name, i) => [name, outcomes[i] ?? 'ok'])),
    failing,
  };
}

/** `undefined` when the check passed, else why it failed. */
async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(check), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    clearTimeout(timer);
  }
}
