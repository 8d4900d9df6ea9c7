/** An identity that cannot be normalised; INVALID_ARGUMENT at the edge, with its reason. */
export class InvalidIdentityError extends Error {
  readonly code = 'HISTORY_INVALID_IDENTITY';

  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'InvalidIdentityError';
  }
}

/** A request that cannot be served as asked; INVALID_ARGUMENT at the edge. */
export class InvalidHistoryRequestError extends Error {
  readonly code = 'HISTORY_INVALID_REQUEST';

  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'InvalidHistoryRequestError';
  }
}

/** Unknown, another tenant's or erased: callers cannot tell which; NOT_FOUND at the edge. */
export class HistoryNotFoundError extends Error {
  readonly code = 'HISTORY_NOT_FOUND';

  constructor(what: string, id: string) {
    super(`${what} ${id} not found`);
    this.name = 'HistoryNotFoundError';
  }
}

/** The request is valid but the current state forbids it; FAILED_PRECONDITION at the edge. */
export class HistoryConflictError extends Error {
  readonly code = 'HISTORY_CONFLICT';

  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'HistoryConflictError';
  }
}
