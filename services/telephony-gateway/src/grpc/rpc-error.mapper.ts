import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { TelephonyError, type TelephonyErrorCode } from '../app/telephony.error';

const STATUS: Record<TelephonyErrorCode, status> = {
  INVALID_NUMBER: status.INVALID_ARGUMENT,
  INVALID_IVR_FLOW: status.INVALID_ARGUMENT,
  INVALID_ENDPOINT: status.INVALID_ARGUMENT,
  FLOW_NOT_FOUND: status.NOT_FOUND,
  DID_NOT_FOUND: status.NOT_FOUND,
  DID_TAKEN: status.ALREADY_EXISTS,
  SIP_USERNAME_TAKEN: status.ALREADY_EXISTS,
  ENDPOINT_NOT_FOUND: status.NOT_FOUND,
  CALL_NOT_FOUND: status.NOT_FOUND,
  CALL_NOT_CONNECTED: status.FAILED_PRECONDITION,
  INVALID_TRANSFER_TARGET: status.INVALID_ARGUMENT,
  NO_TRUNK: status.FAILED_PRECONDITION,
  CONFERENCE_FULL: status.FAILED_PRECONDITION,
  CONFERENCE_ACTIVE: status.FAILED_PRECONDITION,
  PARTY_UNREACHABLE: status.FAILED_PRECONDITION,
  ROUTING_UNAVAILABLE: status.UNAVAILABLE,
};

/** Maps telephony errors to gRPC status, the reason code first in the message; others pass through. */
export function toRpcError(error: unknown): unknown {
  if (!(error instanceof TelephonyError)) return error;
  // A flow still bound to a number is a precondition, not bad input.
  const code = error.code === 'INVALID_IVR_FLOW' && error.problems.length === 0 ? status.FAILED_PRECONDITION : STATUS[error.code];
  return new RpcException({ code, message: `${error.code}: ${error.message}` });
}

export async function mapRpcErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}
