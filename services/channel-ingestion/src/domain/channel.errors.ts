/**
 * Every failure the service reports, with a stable reason; the edges (HTTP webhooks, gRPC) map
 * the class to a status, nothing else does.
 */
export abstract class ChannelError extends Error {
  abstract readonly code: string;

  constructor(readonly reason: string, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = new.target.name;
  }
}

/** The webhook's signature or token does not match the account's secret; HTTP 401. */
export class InvalidSignatureError extends ChannelError {
  readonly code = 'CHANNEL_INVALID_SIGNATURE';
}

/** The payload cannot be read as the provider documents it; HTTP 400 / INVALID_ARGUMENT. */
export class MalformedPayloadError extends ChannelError {
  readonly code = 'CHANNEL_MALFORMED_PAYLOAD';
}

/** A message, body or attachment over its size limit; HTTP 413 / INVALID_ARGUMENT. */
export class PayloadTooLargeError extends ChannelError {
  readonly code = 'CHANNEL_PAYLOAD_TOO_LARGE';
}

/** A request that cannot be served as asked; INVALID_ARGUMENT / HTTP 400. */
export class InvalidChannelRequestError extends ChannelError {
  readonly code = 'CHANNEL_INVALID_REQUEST';
}

/** Unknown, disabled or another tenant's: callers cannot tell which; NOT_FOUND / HTTP 404. */
export class ChannelNotFoundError extends ChannelError {
  readonly code = 'CHANNEL_NOT_FOUND';

  constructor(what: string, id: string) {
    super(`${what}-not-found`, `${what} ${id} not found`);
  }
}

/** Valid, but the current state forbids it (closed interaction, name taken); FAILED_PRECONDITION / 409. */
export class ChannelConflictError extends ChannelError {
  readonly code = 'CHANNEL_CONFLICT';
}

/** Over the account's inbound rate; HTTP 429 with Retry-After, so the provider retries. */
export class RateLimitedError extends ChannelError {
  readonly code = 'CHANNEL_RATE_LIMITED';

  constructor(readonly retryAfterSeconds: number, detail: string) {
    super('rate-limited', detail);
  }
}

/** The provider refused or kept failing an outbound request; UNAVAILABLE / FAILED_PRECONDITION. */
export class ProviderError extends ChannelError {
  readonly code = 'CHANNEL_PROVIDER_FAILED';

  constructor(reason: string, detail: string, readonly retryable: boolean) {
    super(reason, detail);
  }
}
