/** An event reporting cannot turn into facts; the bus retries it, then dead-letters it. */
export class MalformedEventError extends Error {
  readonly code = 'REPORTING_MALFORMED_EVENT';

  constructor(eventId: string, detail: string) {
    super(`event ${eventId}: ${detail}`);
    this.name = 'MalformedEventError';
  }
}
