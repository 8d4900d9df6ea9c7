import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { RoutingConfigError, type RoutingConfigErrorCode } from '../app/routing-config.error';
import { RoutingUnavailableError } from '../app/routing-unavailable.error';
import { RoutingError, type RoutingErrorCode } from '../domain';

/** Every engine code has its status; a new code does not compile until it gets one. */
export const ROUTING_ERROR_STATUS: Readonly<Record<RoutingErrorCode, status>> = {
  INVALID_QUEUE_CONFIG: status.INVALID_ARGUMENT,
  INVALID_AGENT_CONFIG: status.INVALID_ARGUMENT,
  INVALID_COMMAND: status.INVALID_ARGUMENT,
  WRONG_WORKSPACE: status.INVALID_ARGUMENT,
  WRAP_UP_CODE_REQUIRED: status.INVALID_ARGUMENT,
  QUEUE_NOT_FOUND: status.NOT_FOUND,
  AGENT_NOT_FOUND: status.NOT_FOUND,
  INTERACTION_NOT_FOUND: status.NOT_FOUND,
  OFFER_NOT_FOUND: status.NOT_FOUND,
  TENANT_MISMATCH: status.PERMISSION_DENIED,
  TENANT_NOT_GRANTED: status.PERMISSION_DENIED,
  OFFER_NOT_FOR_AGENT: status.PERMISSION_DENIED,
  QUEUE_FULL: status.RESOURCE_EXHAUSTED,
  INTERACTION_EXISTS: status.ALREADY_EXISTS,
  CHANNEL_NOT_SERVED: status.FAILED_PRECONDITION,
  QUEUE_CLOSED: status.FAILED_PRECONDITION,
  INTERACTION_NOT_WAITING: status.FAILED_PRECONDITION,
  NOT_ASSIGNED_TO_AGENT: status.FAILED_PRECONDITION,
  OFFER_EXPIRED: status.FAILED_PRECONDITION,
  OFFER_ALREADY_ACCEPTED: status.FAILED_PRECONDITION,
  OFFER_ALREADY_REJECTED: status.FAILED_PRECONDITION,
  OFFER_WITHDRAWN: status.FAILED_PRECONDITION,
  NO_WRAP_UP_PENDING: status.FAILED_PRECONDITION,
  AGENT_NOT_LOGGED_IN: status.FAILED_PRECONDITION,
  AGENT_ALREADY_LOGGED_IN: status.FAILED_PRECONDITION,
  AGENT_HAS_WORK: status.FAILED_PRECONDITION,
};

export const CONFIG_ERROR_STATUS: Readonly<Record<RoutingConfigErrorCode, status>> = {
  CONFIG_INVALID: status.INVALID_ARGUMENT,
  CONFIG_NOT_FOUND: status.NOT_FOUND,
  CONFIG_IN_USE: status.FAILED_PRECONDITION,
  TENANT_NOT_GRANTED: status.PERMISSION_DENIED,
};

/** Routing's errors as gRPC status, the reason code first in the message; others pass through. */
export function toRpcError(error: unknown): unknown {
  if (error instanceof RoutingError) return new RpcException({ code: ROUTING_ERROR_STATUS[error.code], message: error.message });
  if (error instanceof RoutingConfigError) return new RpcException({ code: CONFIG_ERROR_STATUS[error.code], message: error.message });
  if (error instanceof RoutingUnavailableError) return new RpcException({ code: status.UNAVAILABLE, message: error.message });
  return error;
}

export async function mapRpcErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}
