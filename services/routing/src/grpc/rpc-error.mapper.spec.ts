import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { RoutingError } from '../domain';
import { RoutingConfigError } from '../app/routing-config.error';
import { toRpcError } from './rpc-error.mapper';

const statusOf = (error: unknown) => (toRpcError(error) as RpcException).getError();

describe(toRpcError.name, () => {
  it.each([
    ['OFFER_NOT_FOUND', status.NOT_FOUND],
    ['TENANT_NOT_GRANTED', status.PERMISSION_DENIED],
    ['TENANT_MISMATCH', status.PERMISSION_DENIED],
    ['OFFER_EXPIRED', status.FAILED_PRECONDITION],
    ['OFFER_ALREADY_ACCEPTED', status.FAILED_PRECONDITION],
    ['INVALID_QUEUE_CONFIG', status.INVALID_ARGUMENT],
    ['QUEUE_FULL', status.RESOURCE_EXHAUSTED],
  ] as const)('maps %s to status %i with the reason first in the message', (code, expected) => {
    expect(statusOf(new RoutingError(code, 'detail'))).toEqual({ code: expected, message: `${code}: detail` });
  });

  it('maps configuration errors and passes anything else through', () => {
    const other = new Error('boom');

    expect(statusOf(new RoutingConfigError('CONFIG_IN_USE', 'queue q is used by profile a'))).toEqual({ code: status.FAILED_PRECONDITION, message: 'CONFIG_IN_USE: queue q is used by profile a' });
    expect(toRpcError(other)).toBe(other);
  });
});
