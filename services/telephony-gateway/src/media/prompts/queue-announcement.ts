/** What Routing says about a waiting call; either part may be unknown. */
export interface QueueStatusForAnnouncement {
  /** 1 = next in line. */
  readonly position?: number;
  readonly expectedWaitMs?: number;
}

const SPOKEN_NUMBERS = 9;

/**
 * The prompt ids of a position / expected-wait announcement, built from the catalogue's
 * pieces: "You are number | three | in the queue", "Your expected waiting time is about | two |
 * minutes". Numbers beyond the recorded ones fall back to a general "please stay on the line".
 */
export function queueAnnouncementPrompts(status: QueueStatusForAnnouncement): string[] {
  const prompts: string[] = [];
  const { position, expectedWaitMs } = status;
  if (position !== undefined && Number.isInteger(position) && position >= 1 && position <= SPOKEN_NUMBERS) {
    prompts.push('queue-position-intro', `number-${position}`, 'queue-position-outro');
  } else {
    prompts.push('queue-waiting');
  }
  if (expectedWaitMs !== undefined && Number.isFinite(expectedWaitMs) && expectedWaitMs >= 0) {
    const minutes = Math.max(1, Math.round(expectedWaitMs / 60_000));
    if (minutes <= SPOKEN_NUMBERS) prompts.push('wait-intro', `number-${minutes}`, minutes === 1 ? 'minute' : 'minutes');
  }
  return prompts;
}
