/** An event history cannot read; the bus retries it, then dead-letters it. */
export class MalformedEventError extends Error {
  readonly code = 'HISTORY_MALFORMED_EVENT';

  constructor(eventId: string, detail: string) {
    super(`event ${eventId}: ${detail}`);
    this.name = 'MalformedEventError';
  }
}
