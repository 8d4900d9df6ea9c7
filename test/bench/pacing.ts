/** Calls `tick` every `tickMs` for `seconds` without drifting; resolves when all ticks are done. */
export async function paced(tickMs: number, seconds: number, tick: () => Promise<unknown>): Promise<number> {
  const ticks = Math.round((seconds * 1000) / tickMs);
  const started = Date.now();
  const pending: Promise<unknown>[] = [];
  for (let n = 0; n < ticks; n++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + n * tickMs - Date.now())));
    pending.push(tick());
  }
  await Promise.all(pending);
  return ticks;
}
