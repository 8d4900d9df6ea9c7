import {
  ChannelConflictError,
  ChannelNotFoundError,
  InvalidChannelRequestError,
  InvalidSignatureError,
  MalformedPayloadError,
  PayloadTooLargeError,
  ProviderError,
  RateLimitedError,
} from '../domain/channel.errors';

export interface HttpFailure {
  readonly status: number;
  readonly body: { error: string; reason: string; message: string };
  readonly headers: Readonly<Record<string, string>>;
}

/** Maps the service's errors to HTTP status (the only place that knows both); undefined for others. */
export function toHttpFailure(error: unknown): HttpFailure | undefined {
  const failure = (status: number, name: string, e: { reason: string; message: string }, headers: Record<string, string> = {}): HttpFailure => ({
    status,
    body: { error: name, reason: e.reason, message: e.message },
    headers,
  });
  if (error instanceof InvalidSignatureError) return failure(401, 'UNAUTHENTICATED', error);
  if (error instanceof PayloadTooLargeError) return failure(413, 'PAYLOAD_TOO_LARGE', error);
  if (error instanceof MalformedPayloadError || error instanceof InvalidChannelRequestError) return failure(400, 'BAD_REQUEST', error);
  if (error instanceof ChannelNotFoundError) return failure(404, 'NOT_FOUND', error);
  if (error instanceof RateLimitedError) return failure(429, 'RATE_LIMITED', error, { 'retry-after': String(error.retryAfterSeconds) });
  if (error instanceof ChannelConflictError) return failure(409, 'CONFLICT', error);
  if (error instanceof ProviderError) return failure(502, 'PROVIDER_FAILED', error);
  return undefined;
}
