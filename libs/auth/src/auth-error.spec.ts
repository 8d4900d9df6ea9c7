import { status } from '@grpc/grpc-js';
import { AuthError } from './auth-error';

describe(AuthError.name, () => {
  it.each([
    [AuthError.unauthenticated('token-expired', 'expired at noon'), status.UNAUTHENTICATED, 401],
    [AuthError.permissionDenied('tenant-not-granted', 'not contoso'), status.PERMISSION_DENIED, 403],
    [AuthError.invalidArgument('tenant-header-missing', 'name one'), status.INVALID_ARGUMENT, 400],
  ])('maps %s to gRPC and HTTP statuses', (sut, grpc, http) => {
    expect(sut.toGrpcStatus()).toBe(grpc);
    expect(sut.toHttpStatus()).toBe(http);
  });

  it('leads its message with the machine-readable reason', () => {
    const sut = AuthError.unauthenticated('wrong-issuer', 'token issuer x is not y');

    expect(sut.message).toBe('wrong-issuer: token issuer x is not y');
    expect(sut.toJSON()).toEqual({ error: 'UNAUTHENTICATED', reason: 'wrong-issuer', message: 'token issuer x is not y' });
    expect(sut).toBeInstanceOf(Error);
  });
});
