/** A metrics query that cannot be answered as asked; INVALID_ARGUMENT at the edge. */
export class MetricsQueryError extends Error {
  readonly code = 'METRICS_INVALID_QUERY';

  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'MetricsQueryError';
  }
}

/** A caller asking for figures it may not see; PERMISSION_DENIED at the edge. */
export class MetricsAccessError extends Error {
  readonly code = 'METRICS_ACCESS_DENIED';

  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'MetricsAccessError';
  }
}
