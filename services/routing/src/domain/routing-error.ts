export type RoutingErrorCode =
  // The configuration or command itself is malformed.
  | 'INVALID_QUEUE_CONFIG'
  | 'INVALID_AGENT_CONFIG'
  | 'INVALID_COMMAND'
  | 'WRONG_WORKSPACE'
  // It names something the engine does not know.
  | 'QUEUE_NOT_FOUND'
  | 'AGENT_NOT_FOUND'
  | 'INTERACTION_NOT_FOUND'
  | 'OFFER_NOT_FOUND'
  // It crosses a tenant boundary.
  | 'TENANT_MISMATCH'
  | 'TENANT_NOT_GRANTED'
  // The queue refuses new work.
  | 'CHANNEL_NOT_SERVED'
  | 'QUEUE_FULL'
  | 'QUEUE_CLOSED'
  // It does not fit the current state.
  | 'INTERACTION_EXISTS'
  | 'INTERACTION_NOT_WAITING'
  | 'NOT_ASSIGNED_TO_AGENT'
  | 'OFFER_NOT_FOR_AGENT'
  | 'OFFER_EXPIRED'
  | 'OFFER_ALREADY_ACCEPTED'
  | 'OFFER_ALREADY_REJECTED'
  | 'OFFER_WITHDRAWN'
  | 'NO_WRAP_UP_PENDING'
  | 'WRAP_UP_CODE_REQUIRED'
  | 'AGENT_NOT_LOGGED_IN'
  | 'AGENT_ALREADY_LOGGED_IN'
  | 'AGENT_HAS_WORK';

/**
 * A command the engine refuses. The engine validates before it mutates, so after a
 * RoutingError its state is exactly what it was before the command. Mapped to gRPC status
 * codes at the edge only.
 */
export class RoutingError extends Error {
  constructor(
    readonly code: RoutingErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'RoutingError';
  }
}
