import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
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

/** Maps the service's errors to gRPC status (the only place that knows both); others pass through. */
export function toRpcError(error: unknown): unknown {
  const rpc = (code: status, e: Error) => new RpcException({ code, message: e.message });
  if (error instanceof InvalidChannelRequestError || error instanceof MalformedPayloadError || error instanceof PayloadTooLargeError) return rpc(status.INVALID_ARGUMENT, error);
  if (error instanceof ChannelNotFoundError) return rpc(status.NOT_FOUND, error);
  if (error instanceof ChannelConflictError) return rpc(status.FAILED_PRECONDITION, error);
  if (error instanceof RateLimitedError) return rpc(status.RESOURCE_EXHAUSTED, error);
  if (error instanceof InvalidSignatureError) return rpc(status.UNAUTHENTICATED, error);
  if (error instanceof ProviderError) return rpc(error.retryable ? status.UNAVAILABLE : status.FAILED_PRECONDITION, error);
  return error;
}

export async function mapRpcErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}
