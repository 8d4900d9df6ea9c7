export type ScheduleErrorReason = 'invalid-shift' | 'shift-overlaps' | 'shift-not-found';

/** A shift that cannot be stored as asked; mapped at the edge by its reason. */
export class ScheduleError extends Error {
  readonly code = 'SCHEDULE_REJECTED';

  constructor(
    readonly reason: ScheduleErrorReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'ScheduleError';
  }
}
