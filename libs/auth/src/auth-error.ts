import { status as GrpcStatus } from '@grpc/grpc-js';

export type AuthErrorCode = 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'INVALID_ARGUMENT';

/** Stable, machine-readable reasons; the message adds the human detail. */
export type AuthFailureReason =
  // UNAUTHENTICATED: the token does not prove who the caller is.
  | 'token-missing'
  | 'token-malformed'
  | 'token-expired'
  | 'token-not-yet-valid'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'algorithm-not-allowed'
  | 'unknown-signing-key'
  | 'signing-keys-unavailable'
  | 'invalid-claims'
  // PERMISSION_DENIED: the caller is known but may not do this.
  | 'role-missing'
  | 'workspace-not-granted'
  | 'no-workspace'
  | 'tenant-not-granted'
  // INVALID_ARGUMENT: the request does not name its scope properly.
  | 'tenant-header-missing'
  | 'workspace-header-required';

const grpcStatus: Record<AuthErrorCode, GrpcStatus> = {
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  INVALID_ARGUMENT: GrpcStatus.INVALID_ARGUMENT,
};

const httpStatus: Record<AuthErrorCode, number> = {
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  INVALID_ARGUMENT: 400,
};

/** Authentication or authorization failure; mapped to a gRPC or HTTP status at the edge. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    readonly reason: AuthFailureReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'AuthError';
  }

  static unauthenticated(reason: AuthFailureReason, detail: string): AuthError {
    return new AuthError('UNAUTHENTICATED', reason, detail);
  }

  static permissionDenied(reason: AuthFailureReason, detail: string): AuthError {
    return new AuthError('PERMISSION_DENIED', reason, detail);
  }

  static invalidArgument(reason: AuthFailureReason, detail: string): AuthError {
    return new AuthError('INVALID_ARGUMENT', reason, detail);
  }

  toGrpcStatus(): GrpcStatus {
    return grpcStatus[this.code];
  }

  toHttpStatus(): number {
    return httpStatus[this.code];
  }

  /** The JSON body HTTP callers receive. */
  toJSON(): { error: AuthErrorCode; reason: AuthFailureReason; message: string } {
    return { error: this.code, reason: this.reason, message: this.detail };
  }
}
