import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { MetricsAccessError, MetricsQueryError } from '../app/get-metrics/metrics-query.error';
import { KpiInputError } from '../domain/kpi/kpi-input.error';
import { ScheduleError, type ScheduleErrorReason } from '../domain/schedule/schedule.error';
import { StaffingInputError } from '../domain/staffing/staffing-input.error';

const SCHEDULE_STATUS: Readonly<Record<ScheduleErrorReason, status>> = {
  'invalid-shift': status.INVALID_ARGUMENT,
  'shift-overlaps': status.FAILED_PRECONDITION,
  'shift-not-found': status.NOT_FOUND,
};

/** Maps reporting's errors to gRPC status (the only place that knows both); others pass through. */
export function toRpcError(error: unknown): unknown {
  if (error instanceof MetricsQueryError || error instanceof MetricsAccessError) {
    const code = error instanceof MetricsAccessError ? status.PERMISSION_DENIED : status.INVALID_ARGUMENT;
    return new RpcException({ code, message: error.message });
  }
  if (error instanceof StaffingInputError || error instanceof KpiInputError) {
    return new RpcException({ code: status.INVALID_ARGUMENT, message: `invalid-input: ${error.message}` });
  }
  if (error instanceof ScheduleError) {
    return new RpcException({ code: SCHEDULE_STATUS[error.reason], message: error.message });
  }
  return error;
}

export async function mapRpcErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRpcError(error);
  }
}
