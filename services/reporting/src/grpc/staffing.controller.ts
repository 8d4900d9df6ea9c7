import { Controller, Inject, UseGuards, UseInterceptors } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { GrpcAuthGuard, RequireRoles, TenantContextInterceptor } from '@contactcenter/auth';
import { staffingV1 } from '@contactcenter/contracts';
import { TenantContext } from '@contactcenter/tenancy';
import { StaffingPlanUseCase } from '../app/staffing-plan/staffing-plan.use-case';
import { erlangA } from '../domain/staffing/erlang-a.calculator';
import { erlangCMetrics } from '../domain/staffing/erlang-c.calculator';
import { requiredAgents } from '../domain/staffing/required-agents.calculator';
import { requireStaffingInput } from '../domain/staffing/staffing-input.error';
import { millisOf, timestampOf } from './reporting-proto.mapper';
import { mapRpcErrors } from './rpc-error.mapper';

const PLANNERS = ['platform-admin', 'tenant-admin', 'supervisor', 'team-lead', 'integration'] as const;

/** proto-loader leaves zero-valued proto3 fields out of decoded requests; zero is what they mean. */
const orZero = (value: number | undefined) => value ?? 0;

/** Traffic in Erlangs of an interval's offered load; multiplying first keeps whole numbers exact. */
function trafficOf(load: staffingV1.OfferedLoad | undefined): { trafficErlangs: number; ahtSeconds: number } {
  requireStaffingInput(load !== undefined, 'load is required');
  const [callsPerInterval, intervalSeconds, ahtSeconds] = [load!.callsPerInterval, load!.intervalSeconds, load!.ahtSeconds].map(orZero);
  requireStaffingInput(Number.isFinite(callsPerInterval) && callsPerInterval >= 0, `load.calls_per_interval must be >= 0, got ${callsPerInterval}`);
  requireStaffingInput(Number.isFinite(intervalSeconds) && intervalSeconds > 0, `load.interval_seconds must be > 0, got ${intervalSeconds}`);
  requireStaffingInput(Number.isFinite(ahtSeconds) && ahtSeconds > 0, `load.aht_seconds must be > 0, got ${ahtSeconds}`);
  return { trafficErlangs: (callsPerInterval * ahtSeconds) / intervalSeconds, ahtSeconds };
}

/** gRPC StaffingService: the pure Erlang calculators behind planners' roles. */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseInterceptors(TenantContextInterceptor)
export class StaffingController {
  constructor(@Inject(StaffingPlanUseCase) private readonly plan: StaffingPlanUseCase) {}

  @RequireRoles(...PLANNERS)
  @GrpcMethod(staffingV1.STAFFING_SERVICE_NAME, 'StaffingPlan')
  staffingPlan(@Payload() request: staffingV1.StaffingPlanRequest): Promise<staffingV1.StaffingPlanResponse> {
    return mapRpcErrors(async () => {
      const intervals = await this.plan.execute(TenantContext.requireTenantId('StaffingPlan'), {
        dayMs: millisOf('day', request.day),
        queueIds: request.queueIds ?? [],
        weeks: orZero(request.weeks),
        targetServiceLevel: orZero(request.targetServiceLevel),
        targetAnswerTimeSeconds: orZero(request.targetAnswerTimeSeconds),
        maxOccupancy: orZero(request.maxOccupancy),
        shrinkage: orZero(request.shrinkage),
      });
      return { intervals: intervals.map(({ intervalStartMs, ...rest }) => ({ intervalStart: timestampOf(intervalStartMs), ...rest })) };
    });
  }
  @RequireRoles(...PLANNERS)
  @GrpcMethod(staffingV1.STAFFING_SERVICE_NAME, 'ErlangC')
  erlangC(@Payload() request: staffingV1.ErlangCRequest): Promise<staffingV1.ErlangCResponse> {
    return mapRpcErrors(() => {
      const { trafficErlangs, ahtSeconds } = trafficOf(request.load);
      const metrics = erlangCMetrics({ agents: orZero(request.agents), trafficErlangs, ahtSeconds, answerTimeSeconds: orZero(request.answerTimeSeconds) });
      return { trafficErlangs, ...metrics };
    });
  }

  @RequireRoles(...PLANNERS)
  @GrpcMethod(staffingV1.STAFFING_SERVICE_NAME, 'RequiredAgents')
  requiredAgents(@Payload() request: staffingV1.RequiredAgentsRequest): Promise<staffingV1.RequiredAgentsResponse> {
    return mapRpcErrors(() => {
      requireStaffingInput(request.load !== undefined, 'load is required');
      const { asa, ...requirement } = requiredAgents({
        callsPerInterval: orZero(request.load!.callsPerInterval),
        intervalSeconds: orZero(request.load!.intervalSeconds),
        ahtSeconds: orZero(request.load!.ahtSeconds),
        targetServiceLevel: orZero(request.targetServiceLevel),
        targetAnswerTimeSeconds: orZero(request.targetAnswerTimeSeconds),
        maxOccupancy: orZero(request.maxOccupancy),
        shrinkage: orZero(request.shrinkage),
      });
      return { ...requirement, asaOverAllArrivalsSeconds: asa };
    });
  }

  @RequireRoles(...PLANNERS)
  @GrpcMethod(staffingV1.STAFFING_SERVICE_NAME, 'ErlangA')
  erlangA(@Payload() request: staffingV1.ErlangARequest): Promise<staffingV1.ErlangAResponse> {
    return mapRpcErrors(() => {
      const { trafficErlangs, ahtSeconds } = trafficOf(request.load);
      const metrics = erlangA({
        agents: orZero(request.agents),
        trafficErlangs,
        ahtSeconds,
        patienceSeconds: orZero(request.patienceSeconds),
        answerTimeSeconds: orZero(request.answerTimeSeconds),
      });
      return { trafficErlangs, ...metrics };
    });
  }
}
