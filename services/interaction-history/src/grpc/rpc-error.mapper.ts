import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { HistoryConflictError, HistoryNotFoundError, InvalidHistoryRequestError, InvalidIdentityError } from '../domain/history.errors';

/** Maps history's errors to gRPC status (the only place that knows both); others pass through. */
export function toRpcError(error: unknown): unknown {
  if (error instanceof InvalidIdentityError || error instanceof InvalidHistoryRequestError) return new RpcException({ code: status.INVALID_ARGUMENT, message: error.message });
  if (error instanceof HistoryNotFoundError) return new RpcException({ code: status.NOT_FOUND, message: error.message });
  if (error instanceof HistoryConflictError) return new RpcException({ code: status.FAILED_PRECONDITION, message: error.message });
  return error;
}

export async function mapRpcErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}
